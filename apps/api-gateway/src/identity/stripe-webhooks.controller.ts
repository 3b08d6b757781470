import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Subjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { BadRequestError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';
import { Public } from '../auth/route-access.decorator';
import { KeepsRawJsonBody, rawBodyOf } from '../http/body-parsers';

/**
 * Stripe's webhook (SPEC section 4, fixed path). Public: the Stripe-Signature over the exact body
 * is the authentication, checked by user-service with the SDK (400 and nothing changed when it
 * does not verify), which also drops duplicates and copes with events out of order.
 */
@ApiExcludeController()
@Controller('webhooks')
export class StripeWebhooksController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @Public()
  @KeepsRawJsonBody()
  @Post('stripe')
  @HttpCode(200)
  async receive(@Req() req: FastifyRequest, @Headers('stripe-signature') signature: string | undefined) {
    const raw = rawBodyOf(req);
    if (!raw || !signature) throw new BadRequestError('A signed Stripe event is expected.');
    return this.rpc.request(Subjects.user.billing.stripeWebhook, { payload: raw.toString('utf8'), signature }, systemContext({ requestId: req.id }), {
      timeoutMs: 15_000,
    });
  }
}
