import { Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type RpcSubject, Subjects, type TwilioWebhookCommand } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { Public } from '../auth/route-access.decorator';
import { AcceptsBody } from '../http/body-parsers';

/**
 * Twilio's callbacks (SPEC section 4, fixed paths), form-encoded as Twilio sends them (any other
 * body is a 415 before it is read). Public: the X-Twilio-Signature is the authentication, and it is
 * checked by telephony-service, which holds the auth token and knows the public URL Twilio signed;
 * a bad or missing one answers 403 and changes nothing.
 */
@ApiExcludeController()
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @Public()
  @AcceptsBody('form')
  @Post('voice/status')
  @HttpCode(204)
  async voiceStatus(@Req() req: FastifyRequest, @Headers('x-twilio-signature') signature: string | undefined): Promise<void> {
    await this.forward(Subjects.telephony.webhooks.voiceStatus, req, signature);
  }

  /** TwiML for a browser device's call: `<Dial>` once the compliance gate let it through, else a spoken refusal and `<Hangup/>`. */
  @Public()
  @AcceptsBody('form')
  @Post('voice')
  @HttpCode(200)
  async voice(
    @Req() req: FastifyRequest,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { twiml } = await this.forward(Subjects.telephony.webhooks.voice, req, signature, 10_000);
    // Set only on success: a refusal (403) is the usual JSON error body.
    void reply.type('text/xml; charset=utf-8');
    return twiml;
  }

  /**
   * An inbound text. Twilio takes an empty 2xx as "no reply"; a keyword's confirmation is sent by
   * telephony-service itself (once, however often this is delivered), never as TwiML here.
   */
  @Public()
  @AcceptsBody('form')
  @Post('sms')
  @HttpCode(204)
  async sms(@Req() req: FastifyRequest, @Headers('x-twilio-signature') signature: string | undefined): Promise<void> {
    await this.forward(Subjects.telephony.webhooks.smsInbound, req, signature, 10_000);
  }

  /** Status callbacks of texts we sent (queued, sent, delivered / undelivered / failed). */
  @Public()
  @AcceptsBody('form')
  @Post('sms/status')
  @HttpCode(204)
  async smsStatus(@Req() req: FastifyRequest, @Headers('x-twilio-signature') signature: string | undefined): Promise<void> {
    await this.forward(Subjects.telephony.webhooks.smsStatus, req, signature);
  }

  /** Recording-status callbacks of recorded calls. */
  @Public()
  @AcceptsBody('form')
  @Post('recording')
  @HttpCode(204)
  async recording(@Req() req: FastifyRequest, @Headers('x-twilio-signature') signature: string | undefined): Promise<void> {
    await this.forward(Subjects.telephony.webhooks.recording, req, signature);
  }

  /** Hands the callback to telephony-service as received: the path and query Twilio signed, the form fields, the signature. */
  private forward<R>(subject: RpcSubject<TwilioWebhookCommand, R>, req: FastifyRequest, signature: string | undefined, timeoutMs?: number): Promise<R> {
    const params = { ...((req.body ?? {}) as Record<string, string>) };
    return this.rpc.request(subject, { url: req.url, params, signature }, systemContext({ requestId: req.id }), timeoutMs ? { timeoutMs } : undefined);
  }
}
