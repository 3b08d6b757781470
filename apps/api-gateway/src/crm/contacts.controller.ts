import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ContactPage,
  ContactView,
  CreateContactQuery,
  CreateContactRequest,
  Subjects,
  ListContactsQuery,
  MergeContactRequest,
  UpdateContactRequest,
} from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { sendServiceJson } from '../http/json-passthrough';
import { Ctx } from '../http/request-context';
import { setEtag, versionFromIfMatch } from './etag';
import { IdParam } from './id-param';
import { Idempotent } from '../http/idempotency.interceptor';

const IF_MATCH = { name: 'If-Match', required: false, description: 'The ETag last read; a stale one answers 412' };

@ApiTags('contacts')
@Controller('v1/contacts')
export class ContactsController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('contacts', 'read')
  @Get()
  @ApiOperation({ summary: 'List contacts: fuzzy search, filters, keyset pagination' })
  @ApiOkResponse({ type: ContactPage })
  async list(@Query() query: ListContactsQuery, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    return sendServiceJson(reply, await this.rpc.requestJson(Subjects.crm.contacts.list, query, ctx));
  }

  @RequirePermission('contacts', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Create a contact (409 duplicate when its email or phone exists, unless allow_duplicate=true)' })
  @ApiCreatedResponse({ type: ContactView })
  @ApiConflictResponse({ description: '`duplicate`, with details.existing_id' })
  async create(
    @Body() body: CreateContactRequest,
    @Query() query: CreateContactQuery,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.create, { ...body, allow_duplicate: query.allow_duplicate }, ctx);
    setEtag(reply, contact.version);
    return contact;
  }

  @RequirePermission('contacts', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'Get a contact' })
  @ApiOkResponse({ type: ContactView, headers: { ETag: { description: 'The contact’s version' } } })
  @ApiNotFoundResponse()
  async get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.get, { id }, ctx);
    setEtag(reply, contact.version);
    return contact;
  }

  @RequirePermission('contacts', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a contact (reps: only their own; reassigning the owner: managers and admins)' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ContactView })
  @ApiPreconditionFailedResponse({ description: 'If-Match is stale' })
  async update(
    @Param() { id }: IdParam,
    @Body() body: UpdateContactRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.update, { ...body, id, if_match: versionFromIfMatch(ifMatch) }, ctx);
    setEtag(reply, contact.version);
    return contact;
  }

  @RequirePermission('contacts', 'delete')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a contact (restorable for 30 days)' })
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse()
  async remove(@Param() { id }: IdParam, @Headers('if-match') ifMatch: string | undefined, @Ctx() ctx: TenantContext): Promise<void> {
    await this.rpc.request(Subjects.crm.contacts.delete, { id, if_match: versionFromIfMatch(ifMatch) }, ctx);
  }

  @RequirePermission('contacts', 'delete')
  @Idempotent()
  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a contact deleted in the last 30 days' })
  @ApiOkResponse({ type: ContactView })
  async restore(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.restore, { id }, ctx);
    setEtag(reply, contact.version);
    return contact;
  }

  @RequirePermission('contacts', 'update')
  @Idempotent()
  @Post(':id/merge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge another contact into this one (fields, emails, phones, deals); the other is deleted' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ContactView })
  async merge(
    @Param() { id }: IdParam,
    @Body() body: MergeContactRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.merge, { ...body, id, if_match: versionFromIfMatch(ifMatch) }, ctx);
    setEtag(reply, contact.version);
    return contact;
  }
}
