import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import type { PageInfo } from '../common/pagination';
import type { CustomFieldValues } from './custom-field-value';
import { BoundedText, FREE_TEXT_MAX, NAME_MAX } from './text.validators';
import { PlainDataMap } from '../common/plain-map';

export const LifecycleStages = ['subscriber', 'lead', 'qualified', 'customer', 'lost'] as const;
export type LifecycleStage = (typeof LifecycleStages)[number];

export const ContactSorts = ['relevance', 'name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at', 'lead_score', '-lead_score'] as const;
export type ContactSort = (typeof ContactSorts)[number];

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class PhoneInput {
  @ApiProperty({ example: '+14155550123', description: 'E.164, or national format with `country`' })
  @BoundedText(40)
  number: string;

  @ApiPropertyOptional({ example: 'mobile' })
  @IsOptional()
  @BoundedText(50)
  label?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_primary?: boolean;

  @ApiPropertyOptional({ example: 'US', description: 'ISO 3166 alpha-2 region of a national-format number' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166 alpha-2 code' })
  country?: string;
}

/** Fields a client may set on a contact; all optional on update. */
class ContactFields {
  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @BoundedText(NAME_MAX)
  first_name?: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @BoundedText(NAME_MAX)
  last_name?: string;

  @ApiPropertyOptional({ type: [String], example: ['ada@example.com'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @MaxLength(320, { each: true })
  @IsEmail({}, { each: true })
  emails?: string[];

  @ApiPropertyOptional({ type: [PhoneInput] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PhoneInput)
  phones?: PhoneInput[];

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  company_id?: string | null;

  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @BoundedText(NAME_MAX)
  title?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Defaults to the caller; changing it needs manager or admin' })
  @IsOptional()
  @IsUUID()
  owner_id?: string;

  @ApiPropertyOptional({ enum: LifecycleStages })
  @IsOptional()
  @IsIn(LifecycleStages)
  lifecycle_stage?: LifecycleStage;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  lead_score?: number;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @BoundedText(100, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @BoundedText(NAME_MAX)
  source?: string | null;

  @ApiPropertyOptional({ example: 'America/New_York', description: 'IANA zone; derived from the primary phone when not given' })
  @IsOptional()
  @BoundedText(64)
  timezone?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Values typed by the tenant’s custom field definitions' })
  @IsOptional()
  @PlainDataMap()
  custom_fields?: CustomFieldValues;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  last_contacted_at?: string | null;

  @ApiPropertyOptional({ maxLength: FREE_TEXT_MAX })
  @IsOptional()
  @BoundedText(FREE_TEXT_MAX)
  notes?: string | null;
}

export class CreateContactRequest extends ContactFields {}
export class UpdateContactRequest extends ContactFields {}

export class CreateContactQuery {
  @ApiPropertyOptional({ description: 'Create even if the email or phone belongs to another contact' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  allow_duplicate?: boolean;
}

export class ListContactsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Fuzzy search over name, email, phone digits and company (typo-tolerant)' })
  @IsOptional()
  @BoundedText(200)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  owner_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  company_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @BoundedText(100)
  tag?: string;

  @ApiPropertyOptional({ enum: LifecycleStages })
  @IsOptional()
  @IsIn(LifecycleStages)
  lifecycle_stage?: LifecycleStage;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  updated_since?: string;

  @ApiPropertyOptional({ enum: ContactSorts, description: 'Default: relevance with q, -created_at without' })
  @IsOptional()
  @IsIn(ContactSorts)
  sort?: ContactSort;

  @ApiPropertyOptional({ description: 'Custom field filter `key:value` (repeatable)', type: [String] })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(10)
  @BoundedText(300, { each: true })
  @Matches(/^[a-z][a-z0-9_]{0,62}:/, { each: true, message: 'custom_field must be key:value' })
  custom_field?: string[];

  @ApiPropertyOptional({ description: 'List soft-deleted contacts (restorable for 30 days) instead' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  deleted?: boolean;
}

export class PhoneView {
  @ApiProperty({ example: '+14155550123' }) number: string;
  @ApiProperty({ nullable: true, type: String }) label: string | null;
  @ApiProperty() is_primary: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'US' }) country: string | null;
}

/**
 * The fields of a contact a client writes (create, update, import) and reads back, in the order
 * exports list them; custom fields, notes and timestamps are listed where each use needs them.
 */
export const CONTACT_FIELDS = [
  'first_name',
  'last_name',
  'emails',
  'phones',
  'company_id',
  'title',
  'owner_id',
  'lifecycle_stage',
  'lead_score',
  'tags',
  'source',
  'timezone',
] as const;

export class ContactView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) first_name: string | null;
  @ApiProperty({ nullable: true, type: String }) last_name: string | null;
  @ApiProperty({ type: [String] }) emails: string[];
  @ApiProperty({ type: [PhoneView] }) phones: PhoneView[];
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) company_id: string | null;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) owner_id: string | null;
  @ApiProperty({ enum: LifecycleStages }) lifecycle_stage: LifecycleStage;
  @ApiProperty() lead_score: number;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ nullable: true, type: String }) source: string | null;
  @ApiProperty({ nullable: true, type: String }) timezone: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) custom_fields: CustomFieldValues;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_contacted_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deleted_at: string | null;
  @ApiProperty() version: number;
}

export class PageInfoView implements PageInfo {
  @ApiProperty({ nullable: true, type: String }) next_cursor: string | null;
  @ApiProperty() has_more: boolean;
}

export class ContactPage {
  @ApiProperty({ type: [ContactView] }) data: ContactView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class MergeContactRequest {
  @ApiProperty({ format: 'uuid', description: 'The contact merged into this one (it is deleted)' })
  @IsUUID()
  other_id: string;
}

// ---- RPC commands: the HTTP request plus what the path and headers carried. ----

export class ContactIdCommand {
  @IsUUID()
  id: string;
}

/** The live contacts of the caller's tenant that carry a phone number (E.164). */
export class ContactsByPhoneCommand {
  @Matches(/^\+[1-9]\d{7,14}$/, { message: 'phone must be an E.164 number like +14155550100' })
  phone: string;
}

/** The most addresses one `crm.contacts.match_emails` request may carry. */
export const MATCH_EMAILS_MAX = 1000;

/** Addresses to match to the tenant's live contacts (a mailbox sync matching a page of messages' participants). */
export class ContactsByEmailsCommand {
  @IsArray()
  @ArrayMaxSize(MATCH_EMAILS_MAX)
  @IsString({ each: true })
  @MaxLength(320, { each: true })
  emails: string[];
}

/** Each live contact carrying one of the addresses, keyed by the address as normaliseEmailForMatching gives it. */
export class ContactEmailMatches {
  matches: { email: string; contact_id: string }[];
}

/** Contacts without paging: a lookup that can only match a few (a number shared by some contacts). */
export class ContactList {
  @ApiProperty({ type: [ContactView] }) data: ContactView[];
}

export class CreateContactCommand extends CreateContactRequest {
  @IsOptional()
  @IsBoolean()
  allow_duplicate?: boolean;
}

export class UpdateContactCommand extends UpdateContactRequest {
  @IsUUID()
  id: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}

export class DeleteContactCommand extends ContactIdCommand {
  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}

export class MergeContactCommand extends MergeContactRequest {
  @IsUUID()
  id: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}
