import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PhoneNumberCommand, PhoneNumberView, Subjects } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';

/** The phone-number registry (global facts about a number) with the caller's contacts that carry it. */
@ApiTags('compliance')
@Controller('v1/phone-numbers')
export class PhoneNumbersController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('compliance', 'read')
  @Get(':e164')
  @ApiOperation({
    summary: 'A number in the registry: country, line type, carrier, national DNC status and scrub date, and this tenant’s contacts that carry it',
  })
  @ApiOkResponse({ type: PhoneNumberView })
  @ApiBadRequestResponse({ description: 'Not an E.164 phone number' })
  get(@Param() { e164 }: PhoneNumberCommand, @Ctx() ctx: TenantContext): Promise<PhoneNumberView> {
    return this.rpc.request(Subjects.telephony.phoneNumbers.get, { e164 }, ctx);
  }
}
