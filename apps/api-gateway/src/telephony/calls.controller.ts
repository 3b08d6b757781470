import { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPartialContentResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CallPage, CallView, CreateCallRequest, ListCallsQuery, type RecordingInfo, Subjects, UpdateCallRequest, VoiceTokenView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { IdParam } from '../crm/id-param';
import { Idempotent } from '../http/idempotency.interceptor';
import { sendServiceJson } from '../http/json-passthrough';
import { Ctx } from '../http/request-context';
import { parseByteRange } from './byte-range';

/** How much of a recording the gateway asks telephony-service for at a time while it streams. */
const RECORDING_PIECE = 256 * 1024;

@ApiTags('calls')
@Controller('v1/calls')
export class CallsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('calls', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Place a call: rings the rep’s phone, then the contact (after the compliance gate)' })
  @ApiCreatedResponse({ type: CallView })
  @ApiNotFoundResponse({ description: 'contact_id names no contact of this tenant' })
  @ApiUnprocessableEntityResponse({ description: '`no_consent`, `do_not_call`, `quiet_hours` or `frequency_cap`; nothing is dialled' })
  @ApiBadGatewayResponse({ description: '`upstream_error`: Twilio refused the call (the call is recorded as failed)' })
  create(@Body() body: CreateCallRequest, @Ctx() ctx: TenantContext): Promise<CallView> {
    return this.rpc.request(Subjects.telephony.calls.create, body, ctx, { timeoutMs: 10_000 });
  }

  @RequirePermission('calls', 'create')
  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mint a Twilio Voice access token for the browser’s Voice SDK device (TTL 1 h, identity tied to you)' })
  @ApiOkResponse({ type: VoiceTokenView })
  @ApiServiceUnavailableResponse({ description: 'No Twilio API key is configured' })
  token(@Ctx() ctx: TenantContext): Promise<VoiceTokenView> {
    return this.rpc.request(Subjects.telephony.calls.token, {}, ctx);
  }

  @RequirePermission('calls', 'read')
  @Get(':id/recording')
  @ApiOperation({ summary: 'Stream the call’s recording (WAV; `Range` supported). Its owner, managers and admins only; 404 for anyone else' })
  @ApiProduces('audio/wav')
  @ApiOkResponse({ description: 'The whole recording' })
  @ApiPartialContentResponse({ description: 'The requested byte range' })
  @ApiNotFoundResponse({ description: 'No such call, no recording, or not yours to hear' })
  async recording(@Param() { id }: IdParam, @Headers('range') range: string | undefined, @Ctx() ctx: TenantContext, @Res() reply: FastifyReply): Promise<void> {
    const info: RecordingInfo = await this.rpc.request(Subjects.telephony.calls.recording, { id }, ctx, { timeoutMs: 10_000 });
    const wanted = parseByteRange(range, info.size);
    void reply.header('accept-ranges', 'bytes').header('cache-control', 'private, no-store');
    if (wanted === 'unsatisfiable') {
      await reply.status(416).header('content-range', `bytes */${info.size}`).type('application/json').send({ error: 'range_not_satisfiable' });
      return;
    }
    const { start, end } = wanted ?? { start: 0, end: info.size - 1 };
    if (wanted) void reply.status(206).header('content-range', `bytes ${start}-${end}/${info.size}`);
    const rpc = this.rpc;
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let from = start; from <= end; from += RECORDING_PIECE) {
        const to = Math.min(end, from + RECORDING_PIECE - 1);
        const piece = await rpc.request(Subjects.telephony.calls.recordingChunk, { id, start: from, end: to }, ctx, { timeoutMs: 10_000 });
        yield Buffer.from(piece.data, 'base64');
      }
    }
    await reply.type(info.content_type).header('content-length', String(end - start + 1)).send(Readable.from(pieces()));
  }

  @RequirePermission('calls', 'read')
  @Get()
  @ApiOperation({ summary: 'List calls, newest first' })
  @ApiOkResponse({ type: CallPage })
  async list(@Query() query: ListCallsQuery, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return sendServiceJson(reply, await this.rpc.requestJson(Subjects.telephony.calls.list, query, ctx));
  }

  @RequirePermission('calls', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'Get a call' })
  @ApiOkResponse({ type: CallView })
  @ApiNotFoundResponse()
  get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<CallView> {
    return this.rpc.request(Subjects.telephony.calls.get, { id }, ctx);
  }

  @RequirePermission('calls', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Set a call’s disposition and notes (`do_not_call` also adds the number to the DNC list)' })
  @ApiOkResponse({ type: CallView })
  @ApiNotFoundResponse()
  update(@Param() { id }: IdParam, @Body() body: UpdateCallRequest, @Ctx() ctx: TenantContext): Promise<CallView> {
    return this.rpc.request(Subjects.telephony.calls.update, { ...body, id }, ctx);
  }

  @RequirePermission('calls', 'update')
  @Post(':id/hangup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hang up a call; its final status follows from Twilio' })
  @ApiOkResponse({ type: CallView })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The call has already ended' })
  hangup(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<CallView> {
    return this.rpc.request(Subjects.telephony.calls.hangup, { id }, ctx, { timeoutMs: 10_000 });
  }
}
