import { Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Subjects } from '@engage/contracts';
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
    const params = { ...((req.body ?? {}) as Record<string, string>) };
    await this.rpc.request(Subjects.telephony.webhooks.voiceStatus, { url: req.url, params, signature }, systemContext({ requestId: req.id }));
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
    const params = { ...((req.body ?? {}) as Record<string, string>) };
    const { twiml } = await this.rpc.request(Subjects.telephony.webhooks.voice, { url: req.url, params, signature }, systemContext({ requestId: req.id }), { timeoutMs: 10_000 });
    // Set only on success: a refusal (403) is the usual JSON error body.
    void reply.type('text/xml; charset=utf-8');
    return twiml;
  }

  /** Recording-status callbacks of recorded calls. */
  @Public()
  @AcceptsBody('form')
  @Post('recording')
  @HttpCode(204)
  async recording(@Req() req: FastifyRequest, @Headers('x-twilio-signature') signature: string | undefined): Promise<void> {
    const params = { ...((req.body ?? {}) as Record<string, string>) };
    await this.rpc.request(Subjects.telephony.webhooks.recording, { url: req.url, params, signature }, systemContext({ requestId: req.id }));
  }
}
