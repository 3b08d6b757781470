import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Subjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { DomainError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';
import { Public } from '../auth/route-access.decorator';

/**
 * Twilio's callbacks (SPEC section 4, fixed paths). Public: the X-Twilio-Signature is the
 * authentication, and it is checked by telephony-service, which holds the auth token and knows the
 * public URL Twilio signed; a bad or missing one answers 403 and changes nothing.
 */
@ApiExcludeController()
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @Public()
  @Post('voice/status')
  @HttpCode(204)
  async voiceStatus(@Req() req: FastifyRequest, @Headers('x-twilio-signature') signature: string | undefined): Promise<void> {
    const params = formFields(req);
    await this.rpc.request(Subjects.telephony.webhooks.voiceStatus, { url: req.url, params, signature }, systemContext({ requestId: req.id }));
  }
}

/** The form fields as strings; any other body (JSON, none) is not a Twilio callback: 415, nothing forwarded. */
function formFields(req: FastifyRequest): Record<string, string> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const body = req.body;
  if (type !== 'application/x-www-form-urlencoded' || !body || typeof body !== 'object') {
    throw new DomainError('unsupported_media_type', 415, 'Twilio callbacks are application/x-www-form-urlencoded.');
  }
  return body as Record<string, string>;
}
