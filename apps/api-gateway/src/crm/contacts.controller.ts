import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
 
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
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
import { ConditionalWrite, IfMatch, setEtag } from '../http/etag';
import { IdParam } from './id-param';
import { Idempotent } from '../http/idempotency.interceptor';


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
    setEtag(reply, contact);
    return contact;
  }

  @RequirePermission('contacts', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'Get a contact' })
  @ApiOkResponse({ type: ContactView, headers: { ETag: { description: 'The contact’s version', schema: { type: 'string', example: '"3"' } } } })
  @ApiNotFoundResponse()
  async get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.get, { id }, ctx);
    setEtag(reply, contact);
    return contact;
  }

  @RequirePermission('contacts', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a contact (reps: only their own; reassigning the owner: managers and admins)' })
  @ConditionalWrite('contact')
  @ApiOkResponse({ type: ContactView })
  async update(
    @Param() { id }: IdParam,
    @Body() body: UpdateContactRequest,
    @IfMatch() ifMatch: number | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.update, { ...body, id, if_match: ifMatch }, ctx);
    setEtag(reply, contact);
    return contact;
  }

  @RequirePermission('contacts', 'delete')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a contact (restorable for 30 days)' })
  @ConditionalWrite('contact')
  @ApiNoContentResponse()
  async remove(@Param() { id }: IdParam, @IfMatch() ifMatch: number | undefined, @Ctx() ctx: TenantContext): Promise<void> {
    await this.rpc.request(Subjects.crm.contacts.delete, { id, if_match: ifMatch }, ctx);
  }

  @RequirePermission('contacts', 'delete')
  @Idempotent()
  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a contact deleted in the last 30 days' })
  @ApiOkResponse({ type: ContactView })
  async restore(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.restore, { id }, ctx);
    setEtag(reply, contact);
    return contact;
  }

  @RequirePermission('contacts', 'update')
  @Idempotent()
  @Post(':id/merge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge another contact into this one (fields, emails, phones, deals); the other is deleted' })
  @ConditionalWrite('contact')
  @ApiOkResponse({ type: ContactView })
  async merge(
    @Param() { id }: IdParam,
    @Body() body: MergeContactRequest,
    @IfMatch() ifMatch: number | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactView> {
    const contact = await this.rpc.request(Subjects.crm.contacts.merge, { ...body, id, if_match: ifMatch }, ctx);
    setEtag(reply, contact);
    return contact;
  }
}
