import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { PageInfoView } from '../crm/contact.dto';
import { FREE_TEXT_MAX, NAME_MAX, NonBlankText } from '../crm/text.validators';

/**
 * Where a notification came from (SPEC section 4): someone @mentioned you, a contact or deal was
 * given to you, your import finished, a Gmail connection needs your consent again, an admin
 * announced something to everyone, a webhook endpoint you created was disabled after days of failures.
 */
export const NotificationKinds = ['mention', 'assignment', 'import_completed', 'gmail_reconsent', 'broadcast', 'webhook_disabled'] as const;
export type NotificationKind = (typeof NotificationKinds)[number];

/** One notification of a user's inbox (also the `data` of a realtime `notification` entry). */
export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NotificationKinds }) kind: NotificationKind;
  @ApiProperty({ maxLength: NAME_MAX }) title: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What it is about (activity_id, contact_id, deal_id, import_id…)' })
  data: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) read_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class NotificationPage {
  @ApiProperty({ type: [NotificationView] }) data: NotificationView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

/** `GET /v1/notifications?unread=true&cursor=&limit=`: newest first. */
export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only unread notifications' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class NotificationIdCommand {
  @IsUUID()
  id: string;
}

export class UnreadCountView {
  @ApiProperty() unread: number;
}

export class ReadAllView {
  @ApiProperty({ description: 'How many notifications were marked read' }) updated: number;
}

/** Whether one kind shows in the inbox (and the realtime stream) and whether it is also mailed. */
export class NotificationPreference {
  @ApiProperty({ enum: NotificationKinds })
  @IsIn(NotificationKinds)
  kind: NotificationKind;

  @ApiProperty({ description: 'In the inbox and pushed live' })
  @IsBoolean()
  in_app: boolean;

  @ApiProperty({ description: 'Also sent by email' })
  @IsBoolean()
  email: boolean;
}

export class NotificationPreferencesView {
  @ApiProperty({ type: [NotificationPreference], description: 'Every kind, with the defaults (in-app on, email off) where the user chose nothing' })
  data: NotificationPreference[];
}

/** `PUT /v1/notification-preferences`: the kinds listed are set; the others keep their setting. */
export class UpdateNotificationPreferencesRequest {
  @ApiProperty({ type: [NotificationPreference] })
  @IsArray()
  @ArrayMaxSize(NotificationKinds.length)
  @ArrayUnique((p: NotificationPreference) => p?.kind, { message: 'each kind may appear once' })
  @ValidateNested({ each: true })
  @Type(() => NotificationPreference)
  preferences: NotificationPreference[];
}

/** `POST /v1/broadcasts` (admins): a notification to every active user of the tenant. */
export class CreateBroadcastRequest {
  @ApiProperty({ maxLength: NAME_MAX, example: 'Office closed on Friday' })
  @NonBlankText(NAME_MAX)
  title: string;

  @ApiProperty({ maxLength: FREE_TEXT_MAX })
  @NonBlankText(FREE_TEXT_MAX)
  body: string;
}

export class BroadcastView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ description: 'Active users it was delivered to' }) recipients: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

/** The emails that carry a one-time link (a password reset, an invitation). */
export const LinkEmailKinds = ['password_reset', 'invitation'] as const;
export type LinkEmailKind = (typeof LinkEmailKinds)[number];

/**
 * user-service → notification-service, after the token's transaction committed (ADR 0024): mail
 * this link to this user. The only message that carries a one-time token; never logged, never an
 * event.
 */
export class SendLinkEmailRequest {
  @IsIn(LinkEmailKinds)
  kind: LinkEmailKind;

  @IsUUID()
  tenant_id: string;

  @IsUUID()
  user_id: string;

  @IsEmail()
  @MaxLength(320)
  email: string;

  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  full_name: string | null;

  @IsString()
  @MaxLength(500)
  token: string;

  @IsISO8601({ strict: true })
  expires_at: string;
}

export interface SendLinkEmailReply {
  sent: boolean;
}
