import { Payload } from '@nestjs/microservices';
import {
  CreateWebhookRequest,
  type EmptyRequest,
  ListWebhookDeliveriesCommand,
  Subjects,
  UpdateWebhookCommand,
  WebhookDeliveryCommand,
  WebhookIdCommand,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { WebhooksService } from './webhooks.service';

/** The tenant's webhook endpoints, their delivery log, test events and redelivery. */
@RpcController()
export class WebhooksHandler {
  constructor(private readonly webhooks: WebhooksService) {}

  @Handles(Subjects.notification.webhooks.list)
  list(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.webhooks.list(ctx);
  }

  @Handles(Subjects.notification.webhooks.create)
  create(@Payload() input: CreateWebhookRequest, @Caller() ctx: RequestContext) {
    return this.webhooks.create(ctx, input);
  }

  @Handles(Subjects.notification.webhooks.get)
  get(@Payload() input: WebhookIdCommand, @Caller() ctx: RequestContext) {
    return this.webhooks.get(ctx, input.id);
  }

  @Handles(Subjects.notification.webhooks.update)
  update(@Payload() input: UpdateWebhookCommand, @Caller() ctx: RequestContext) {
    return this.webhooks.update(ctx, input);
  }

  @Handles(Subjects.notification.webhooks.delete)
  remove(@Payload() input: WebhookIdCommand, @Caller() ctx: RequestContext) {
    return this.webhooks.remove(ctx, input.id);
  }

  @Handles(Subjects.notification.webhooks.rotateSecret)
  rotateSecret(@Payload() input: WebhookIdCommand, @Caller() ctx: RequestContext) {
    return this.webhooks.rotateSecret(ctx, input.id);
  }

  @Handles(Subjects.notification.webhooks.deliveries)
  deliveries(@Payload() input: ListWebhookDeliveriesCommand, @Caller() ctx: RequestContext) {
    return this.webhooks.deliveries(ctx, input);
  }

  @Handles(Subjects.notification.webhooks.test)
  test(@Payload() input: WebhookIdCommand, @Caller() ctx: RequestContext) {
    return this.webhooks.test(ctx, input.id);
  }

  @Handles(Subjects.notification.webhooks.redeliver)
  redeliver(@Payload() input: WebhookDeliveryCommand, @Caller() ctx: RequestContext) {
    return this.webhooks.redeliver(ctx, input.id, input.delivery_id);
  }
}
