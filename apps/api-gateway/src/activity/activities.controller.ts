import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ActivityPage, ActivityView, CreateActivityRequest, EmailBodyView, ListActivitiesQuery, Subjects, UpdateActivityRequest } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { IdParam } from '../crm/id-param';
import { ConditionalWrite, IfMatch, setEtag } from '../http/etag';
import { Idempotent } from '../http/idempotency.interceptor';
import { sendServiceJson } from '../http/json-passthrough';
import { Ctx } from '../http/request-context';

/** A write may look up several records and mentioned users before it commits. */
const WRITE_TIMEOUT_MS = 10_000;

const REFERENCES_400 =
  '`validation_failed`: an invalid body (over 10,000 characters, unknown fields), a contact, deal or company that does not exist in this tenant, an assignee who is no active user of it, or task fields on a note or meeting';

/** The activity timeline: notes, meetings and tasks people write, and calls, texts and stage changes recorded from events. */
@ApiTags('activities')
@Controller('v1/activities')
export class ActivitiesController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('activities', 'read')
  @Get()
  @ApiOperation({ summary: 'A timeline, newest first: filter by contact, deal or company, and type' })
  @ApiOkResponse({ type: ActivityPage })
  @ApiBadRequestResponse({ description: 'A filter that is no UUID or activity type, a limit outside 1–200, or a cursor not made for this list' })
  async list(@Query() query: ListActivitiesQuery, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return sendServiceJson(reply, await this.rpc.requestJson(Subjects.activity.activities.list, query, ctx));
  }

  @RequirePermission('activities', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Write a note, log a meeting or create a task; `<@user-id>` in the body notifies that colleague' })
  @ApiCreatedResponse({ type: ActivityView })
  @ApiBadRequestResponse({ description: REFERENCES_400 })
  async create(@Body() body: CreateActivityRequest, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<ActivityView> {
    const activity = await this.rpc.request(Subjects.activity.activities.create, body, ctx, { timeoutMs: WRITE_TIMEOUT_MS });
    setEtag(reply, activity);
    return activity;
  }

  @RequirePermission('activities', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'Get an activity' })
  @ApiOkResponse({ type: ActivityView })
  @ApiNotFoundResponse()
  async get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<ActivityView> {
    const activity = await this.rpc.request(Subjects.activity.activities.get, { id }, ctx);
    setEtag(reply, activity);
    return activity;
  }

  @RequirePermission('activities', 'read')
  @Get(':id/email-body')
  @ApiOperation({ summary: 'The stored text of a synced email (kept only when the tenant’s Gmail settings store bodies)' })
  @ApiOkResponse({ type: EmailBodyView })
  @ApiNotFoundResponse({ description: 'No such activity for the caller, not an email, or no body stored' })
  emailBody(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<EmailBodyView> {
    return this.rpc.request(Subjects.activity.gmail.body, { activity_id: id }, ctx);
  }

  @RequirePermission('activities', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Edit a note, meeting or task (reps: their own, and tasks assigned to them)' })
  @ConditionalWrite('activity')
  @ApiOkResponse({ type: ActivityView })
  @ApiNotFoundResponse()
  @ApiUnprocessableEntityResponse({ description: '`activity_read_only`: calls, texts, emails and stage changes cannot be edited' })
  async update(
    @Param() { id }: IdParam,
    @Body() body: UpdateActivityRequest,
    @IfMatch() ifMatch: number | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActivityView> {
    const activity = await this.rpc.request(Subjects.activity.activities.update, { ...body, id, if_match: ifMatch }, ctx, { timeoutMs: WRITE_TIMEOUT_MS });
    setEtag(reply, activity);
    return activity;
  }

  @RequirePermission('activities', 'delete')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a note, meeting or task (reps: their own)' })
  @ConditionalWrite('activity')
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiUnprocessableEntityResponse({ description: '`activity_read_only`: calls, texts, emails and stage changes cannot be deleted' })
  async remove(@Param() { id }: IdParam, @IfMatch() ifMatch: number | undefined, @Ctx() ctx: TenantContext): Promise<void> {
    await this.rpc.request(Subjects.activity.activities.delete, { id, if_match: ifMatch }, ctx);
  }
}
