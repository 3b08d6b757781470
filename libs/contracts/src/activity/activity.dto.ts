import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Matches, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { PageInfoView } from '../crm/contact.dto';
import { BoundedText, FREE_TEXT_MAX, NAME_MAX, NonBlankText } from '../crm/text.validators';

/**
 * What can appear on a timeline (SPEC section 5). Calls, texts, emails and deal stage changes
 * arrive from other services' events; people write notes, meetings and tasks themselves.
 */
export const ActivityTypes = ['call', 'sms', 'email', 'note', 'meeting', 'task', 'deal_stage_changed', 'system'] as const;
export type ActivityType = (typeof ActivityTypes)[number];

/** The kinds people create, edit and delete through the API; the others are records of what happened elsewhere. */
export const ManualActivityTypes = ['note', 'meeting', 'task'] as const satisfies readonly ActivityType[];
export type ManualActivityType = (typeof ManualActivityTypes)[number];

/**
 * How a note names a colleague: `<@user-uuid>`, a stable markup the web and mobile apps render as
 * the user's name (and leave as text when the id is no user of the tenant).
 */
export const MENTION_MARKUP = /<@([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})>/g;

/** People one activity may @mention (each is looked up in user-service). */
export const MAX_MENTIONS = 50;

/**
 * A moment as ISO-8601 with a time and a zone (`2026-03-01T09:30:00Z`, `…+02:00`), years 1000–9999:
 * a real calendar date (strict), and a year PostgreSQL stores without surprise.
 */
const TIMESTAMP = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const Timestamp = () =>
  applyDecorators(
    IsISO8601({ strict: true }, { message: '$property must be an ISO-8601 date-time like 2026-03-01T09:30:00Z' }),
    Matches(TIMESTAMP, { message: '$property must be an ISO-8601 date-time with a time zone, like 2026-03-01T09:30:00Z' }),
  );

/** Fields a person may set on a note, meeting or task (POST and PATCH). */
class ActivityFields {
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The contact whose timeline shows it (must exist in the tenant)' })
  @IsOptional()
  @IsUUID()
  contact_id?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The deal whose timeline shows it (must exist in the tenant)' })
  @IsOptional()
  @IsUUID()
  deal_id?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The company whose timeline shows it (must exist in the tenant)' })
  @IsOptional()
  @IsUUID()
  company_id?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: NAME_MAX, nullable: true, example: 'Quarterly review' })
  @IsOptional()
  @BoundedText(NAME_MAX)
  subject?: string | null;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it happened or happens (a meeting logged afterwards); default now' })
  @IsOptional()
  @Timestamp()
  occurred_at?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Tasks only: when it is due' })
  @IsOptional()
  @Timestamp()
  due_at?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Tasks only: who should do it (an active user of the tenant)' })
  @IsOptional()
  @IsUUID()
  assignee_id?: string | null;

  @ApiPropertyOptional({ description: 'Tasks only: whether it is done (default false)' })
  @IsOptional()
  @IsBoolean()
  done?: boolean;
}

export class CreateActivityRequest extends ActivityFields {
  @ApiProperty({ enum: ManualActivityTypes })
  @IsIn(ManualActivityTypes, { message: 'type must be one of note, meeting, task (other activities come from calls, texts, emails and deals)' })
  type: ManualActivityType;

  @ApiProperty({
    maxLength: FREE_TEXT_MAX,
    example: 'Spoke with <@0194f1c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f> about pricing.',
    description: 'Free text; `<@user-id>` mentions a colleague, who is notified when they are an active user of the tenant',
  })
  @NonBlankText(FREE_TEXT_MAX)
  body: string;
}

export class UpdateActivityRequest extends ActivityFields {
  @ApiPropertyOptional({ maxLength: FREE_TEXT_MAX, description: 'Newly @mentioned colleagues are notified; those already mentioned are not notified again' })
  @IsOptional()
  @NonBlankText(FREE_TEXT_MAX)
  body?: string;
}

export class ListActivitiesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "The contact's timeline" }) @IsOptional() @IsUUID() contact_id?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "The deal's timeline" }) @IsOptional() @IsUUID() deal_id?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "The company's timeline" }) @IsOptional() @IsUUID() company_id?: string;
  @ApiPropertyOptional({ enum: ActivityTypes }) @IsOptional() @IsIn(ActivityTypes) type?: ActivityType;
}

export class ActivityView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ActivityTypes }) type: ActivityType;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) contact_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) deal_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) company_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Who wrote it, placed the call, sent the text or moved the deal' })
  actor_id: string | null;
  @ApiProperty({ nullable: true, type: String }) subject: string | null;
  @ApiProperty({ nullable: true, type: String }) body: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Facts of the source (a call: call_id, outcome, duration_s…; a text: sms_id, direction…; a stage change: from_stage, to_stage…; a note: mentions)',
  })
  payload: Record<string, unknown>;
  @ApiProperty({ format: 'date-time', description: 'When it happened: the timeline is ordered by it, newest first' }) occurred_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The event it was recorded from (null for what people wrote)' })
  source_event_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) due_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) assignee_id: string | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'Tasks: done or not; null for other types' }) done: boolean | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() version: number;
}

export class ActivityPage {
  @ApiProperty({ type: [ActivityView] }) data: ActivityView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class ActivityIdCommand {
  @IsUUID()
  id: string;
}

export class UpdateActivityCommand extends UpdateActivityRequest {
  @IsUUID()
  id: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}

export class DeleteActivityCommand extends ActivityIdCommand {
  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}
