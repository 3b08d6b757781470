import { Payload } from '@nestjs/microservices';
import { PhoneNumberCommand, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { RegistryService } from './registry.service';

@RpcController()
export class RegistryHandler {
  constructor(private readonly service: RegistryService) {}

  @Handles(Subjects.telephony.phoneNumbers.get)
  get(@Payload() input: PhoneNumberCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.e164);
  }
}
