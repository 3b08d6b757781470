import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { PageInfoView } from '../crm/contact.dto';

/**
 * The public names of Engage's domain events (SPEC section 4): what a webhook endpoint subscribes
 * to and the `type` of what it receives. Internal event subjects are mapped to these by
 * notification-service; events without a public name are never sent out.
 */
export const WebhookEventTypes = [
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.merged',
  'company.created',
  'company.updated',
  'company.deleted',
  'deal.created',
  'deal.updated',
  'deal.stage_changed',
  'deal.deleted',
  'call.completed',
  'sms.received',
  'activity.created',
  'import.completed',
] as const;
export type WebhookEventType = (typeof WebhookEventTypes)[number];

/** The event `POST /v1/webhooks/:id/test` sends; no filter is needed to receive it. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** What an endpoint's `events` may list: a public name, `<entity>.*`, or `*` (everything). */
export const WebhookEventFilters: readonly string[] = [
  '*',
  ...new Set(WebhookEventTypes.map((t) => `${t.split('.')[0]}.*`)),
  ...WebhookEventTypes,
];

/** Most endpoints one tenant may register. */
export const WEBHOOK_ENDPOINTS_MAX = 50;

const URL_MAX = 2000;
const DESCRIPTION_MAX = 500;

export class CreateWebhookRequest {
  @ApiProperty({ example: 'https://example.com/engage-webhooks', maxLength: URL_MAX, description: 'https (http is accepted outside production); no credentials in the URL' })
  @IsString()
  @MaxLength(URL_MAX)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_valid_protocol: true })
  url: string;

  @ApiProperty({ type: [String], example: ['contact.*', 'call.completed'], description: 'Public event names, `<entity>.*` or `*`' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WebhookEventFilters.length)
  @ArrayUnique()
  @IsIn(WebhookEventFilters, { each: true, message: `each event must be one of ${WebhookEventFilters.join(', ')}` })
  events: string[];

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;
}

export class UpdateWebhookRequest {
  @ApiPropertyOptional({ maxLength: URL_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(URL_MAX)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_valid_protocol: true })
  url?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WebhookEventFilters.length)
  @ArrayUnique()
  @IsIn(WebhookEventFilters, { each: true, message: `each event must be one of ${WebhookEventFilters.join(', ')}` })
  events?: string[];

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional({ description: 'false pauses deliveries; true re-enables an endpoint (also one disabled after failing for days)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateWebhookCommand extends UpdateWebhookRequest {
  @IsUUID()
  id: string;
}

export class WebhookIdCommand {
  @IsUUID()
  id: string;
}

export class WebhookDeliveryCommand {
  @IsUUID()
  id: string;

  @IsUUID()
  delivery_id: string;
}

export class ListWebhookDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'succeeded', 'failed', 'dead'] })
  @IsOptional()
  @IsIn(['pending', 'succeeded', 'failed', 'dead'])
  status?: WebhookDeliveryStatus;
}

export class ListWebhookDeliveriesCommand extends ListWebhookDeliveriesQuery {
  @IsUUID()
  id: string;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) events: string[];
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Why deliveries stopped (e.g. `failing` after 3 days of failures)' }) disabled_reason: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Until when the previous secret still signs deliveries' })
  previous_secret_expires_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Deliveries paused after consecutive failures until then' })
  paused_until: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/** Creation and rotation: the only answers that carry the secret. */
export class WebhookWithSecretView extends WebhookView {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'Shown once: keep it to verify signatures' }) secret: string;
}

export class WebhookPage {
  @ApiProperty({ type: [WebhookView] }) data: WebhookView[];
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'dead';

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The `webhook-id` header: the same for every attempt and redelivery' }) webhook_id: string;
  @ApiProperty() event_type: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) event_id: string | null;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed', 'dead'], description: 'failed: refused by the receiver (final 4xx); dead: the last retry failed' })
  status: WebhookDeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: Number }) response_status: number | null;
  @ApiProperty({ nullable: true, type: Number }) latency_ms: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'The first 1 KB of the last response' }) response_body: string | null;
  @ApiProperty({ nullable: true, type: String }) last_error: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) next_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) delivered_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryView] }) data: WebhookDeliveryView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}
