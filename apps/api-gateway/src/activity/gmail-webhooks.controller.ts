import { Body, Controller, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Subjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { Public } from '../auth/route-access.decorator';

/**
 * Gmail's Pub/Sub push (SPEC section 4, fixed path): "this mailbox changed since history id N".
 * Public: the push subscription's token (`?token=`) is the authentication, checked by
 * activity-service (403 and nothing done when it does not match; 400 for a body that is no push).
 * 204 once the mailbox's connections are asked to sync; the sync itself runs after the answer.
 */
@ApiExcludeController()
@Controller('webhooks')
export class GmailWebhooksController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @Public()
  @Post('gmail')
  @HttpCode(204)
  async push(@Req() req: FastifyRequest, @Query('token') token: string | string[] | undefined, @Body() body: unknown): Promise<void> {
    await this.rpc.request(Subjects.activity.gmail.push, { token: typeof token === 'string' ? token : null, body: body ?? null }, systemContext({ requestId: req.id }));
  }
}
