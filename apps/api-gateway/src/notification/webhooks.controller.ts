import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import {
  CreateWebhookRequest,
  ListWebhookDeliveriesQuery,
  Subjects,
  UpdateWebhookRequest,
  WebhookDeliveryPage,
  WebhookDeliveryView,
  WebhookPage,
  WebhookView,
  WebhookWithSecretView,
} from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { IdParam } from '../crm/id-param';
import { Idempotent } from '../http/idempotency.interceptor';
import { Ctx } from '../http/request-context';

/** `:id/deliveries/:delivery_id`: malformed ids are a 400 before notification-service is asked. */
export class DeliveryParams extends IdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  delivery_id: string;
}

const NOT_FOUND = 'No such endpoint in this tenant (another tenant’s is not found either)';

/**
 * Outbound webhooks (SPEC section 4): endpoints that receive the tenant's public domain events,
 * signed per Standard Webhooks, with their delivery log, test events and redelivery. Admins and
 * managers.
 */
@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('webhooks', 'read')
  @Get()
  @ApiOperation({ summary: 'The tenant’s webhook endpoints (without their secrets)' })
  @ApiOkResponse({ type: WebhookPage })
  list(@Ctx() ctx: TenantContext): Promise<WebhookPage> {
    return this.rpc.request(Subjects.notification.webhooks.list, {}, ctx);
  }

  @RequirePermission('webhooks', 'create')
  @Idempotent()
  @Post()
  @ApiOperation({ summary: 'Register an endpoint; the answer carries its signing secret, shown this once' })
  @ApiCreatedResponse({ type: WebhookWithSecretView })
  @ApiBadRequestResponse({ description: 'Not an http(s) URL (https in production), credentials in the URL, an unknown event name, unknown fields' })
  @ApiForbiddenResponse({ description: 'Not an admin or manager' })
  @ApiUnprocessableEntityResponse({ description: '`webhook_limit_reached`: the tenant has the most endpoints it may have' })
  create(@Body() body: CreateWebhookRequest, @Ctx() ctx: TenantContext): Promise<WebhookWithSecretView> {
    return this.rpc.request(Subjects.notification.webhooks.create, body, ctx);
  }

  @RequirePermission('webhooks', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  get(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<WebhookView> {
    return this.rpc.request(Subjects.notification.webhooks.get, { id }, ctx);
  }

  @RequirePermission('webhooks', 'update')
  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, events, description, or pause/resume (active)' })
  @ApiOkResponse({ type: WebhookView })
  @ApiBadRequestResponse({ description: 'As for creation' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  update(@Param() { id }: IdParam, @Body() body: UpdateWebhookRequest, @Ctx() ctx: TenantContext): Promise<WebhookView> {
    return this.rpc.request(Subjects.notification.webhooks.update, { ...body, id }, ctx);
  }

  @RequirePermission('webhooks', 'delete')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint, its pending deliveries and its log' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async remove(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<void> {
    await this.rpc.request(Subjects.notification.webhooks.delete, { id }, ctx);
  }

  @RequirePermission('webhooks', 'update')
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret (shown once); the previous one keeps signing alongside it for 24 hours' })
  @ApiOkResponse({ type: WebhookWithSecretView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  rotateSecret(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<WebhookWithSecretView> {
    return this.rpc.request(Subjects.notification.webhooks.rotateSecret, { id }, ctx);
  }

  @RequirePermission('webhooks', 'read')
  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first: status, attempts, response code, latency, next attempt, first 1 KB of the response' })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  deliveries(@Param() { id }: IdParam, @Query() query: ListWebhookDeliveriesQuery, @Ctx() ctx: TenantContext): Promise<WebhookDeliveryPage> {
    return this.rpc.request(Subjects.notification.webhooks.deliveries, { ...query, id }, ctx);
  }

  @RequirePermission('webhooks', 'update')
  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a `webhook.test` event to this endpoint now' })
  @ApiAcceptedResponse({ type: WebhookDeliveryView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  test(@Param() { id }: IdParam, @Ctx() ctx: TenantContext): Promise<WebhookDeliveryView> {
    return this.rpc.request(Subjects.notification.webhooks.test, { id }, ctx);
  }

  @RequirePermission('webhooks', 'update')
  @Post(':id/deliveries/:delivery_id/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a delivery again now, with the same webhook-id and a fresh retry schedule' })
  @ApiAcceptedResponse({ type: WebhookDeliveryView })
  @ApiNotFoundResponse({ description: 'No such endpoint, or no such delivery of it' })
  redeliver(@Param() { id, delivery_id }: DeliveryParams, @Ctx() ctx: TenantContext): Promise<WebhookDeliveryView> {
    return this.rpc.request(Subjects.notification.webhooks.redeliver, { id, delivery_id }, ctx);
  }
}
