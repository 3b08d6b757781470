import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateUserRequest,
  Subjects,
  IdParam,
  ListUsersQuery,
  SetRoleRequest,
  UpdateUserRequest,
  UserView,
} from '@engage/contracts';
import type { FastifyReply } from 'fastify';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { Authenticated, RequirePermission } from '../auth/route-access.decorator';
import { ConditionalWrite, IfMatch, setEtag } from '../http/etag';
import { Ctx } from '../http/request-context';
import { Idempotent } from '../http/idempotency.interceptor';

@ApiTags('users')
@Controller('v1')
export class UsersController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @Authenticated()
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserView })
  me(@Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.users.me, {}, ctx);
  }

  @RequirePermission('users', 'read')
  @Get('users')
  @ApiOperation({ summary: 'Users of the tenant, oldest first (cursor pagination)' })
  list(@Query() query: ListUsersQuery, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.users.list, query, ctx);
  }

  @RequirePermission('users', 'create')
  @Idempotent()
  @Post('users')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user (with password) or invite one (without)' })
  @ApiCreatedResponse({ type: UserView })
  create(@Body() body: CreateUserRequest, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.users.create, body, ctx, { timeoutMs: 15_000 });
  }

  @RequirePermission('users', 'read')
  @Get('users/:id')
  @ApiOperation({ summary: 'A user of the tenant' })
  @ApiOkResponse({ type: UserView, headers: { ETag: { description: 'The user’s version', schema: { type: 'string', example: '"3"' } } } })
  @ApiNotFoundResponse({ description: 'No such user in this tenant' })
  async get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return setEtag(reply, await this.rpc.request(Subjects.user.users.get, { id }, ctx));
  }

  /** Admins change anyone; any user may change their own name (checked in user-service). */
  @Authenticated()
  @Patch('users/:id')
  @ApiOperation({ summary: 'Change a user (admins: anyone; others: their own name)' })
  @ConditionalWrite('user')
  @ApiOkResponse({ type: UserView })
  async update(
    @Param() { id }: IdParam,
    @Body() body: UpdateUserRequest,
    @IfMatch() ifMatch: number | undefined,
    @Ctx() ctx: TenantContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return setEtag(reply, await this.rpc.request(Subjects.user.users.update, { ...body, id, if_match: ifMatch }, ctx));
  }

  @RequirePermission('users', 'delete')
  @Delete('users/:id')
  @ApiOperation({ summary: 'Deactivate a user: sign-in refused and live tokens void at once' })
  @ApiOkResponse({ type: UserView })
  deactivate(@Param() { id }: IdParam, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.users.deactivate, { id }, ctx);
  }

  @RequirePermission('users', 'update')
  @Put('users/:id/role')
  @ApiOperation({ summary: 'Change a user’s role (the last admin cannot be demoted)' })
  @ApiOkResponse({ type: UserView })
  setRole(@Param() { id }: IdParam, @Body() body: SetRoleRequest, @Ctx() ctx: TenantContext) {
    return this.rpc.request(Subjects.user.users.setRole, { ...body, id }, ctx);
  }
}
