import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsUUID, Matches, ValidateIf } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { PageInfoView } from '../crm/contact.dto';
import { BoundedText, FREE_TEXT_MAX, NAME_MAX, NonBlankText } from '../crm/text.validators';

/** A phone number as E.164 (`+` then 8–15 digits); the service checks it with libphonenumber too. */
export const E164 = /^\+[1-9]\d{7,14}$/;

export const ConsentTypes = ['call', 'sms', 'marketing'] as const;
export type ConsentType = (typeof ConsentTypes)[number];
export const ConsentStatuses = ['granted', 'revoked'] as const;
export type ConsentStatus = (typeof ConsentStatuses)[number];

/** The outbound channels the compliance gate decides for. */
export type ContactChannel = 'call' | 'sms';

/** Why the gate refused an outbound call or text (422 codes of SPEC section 4). */
export const ComplianceRefusals = ['module_not_enabled', 'no_consent', 'do_not_call', 'dnc_scrub_stale', 'quiet_hours', 'frequency_cap'] as const;
export type ComplianceRefusal = (typeof ComplianceRefusals)[number];

export class RecordConsentRequest {
  @ApiPropertyOptional({ example: '+14155550100', description: 'E.164; give this or contact_id' })
  @ValidateIf((o: RecordConsentRequest) => o.contact_id === undefined || o.phone !== undefined)
  @Matches(E164, { message: 'phone must be an E.164 number like +14155550100' })
  phone?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The contact whose primary phone the consent is for" })
  @IsOptional()
  @IsUUID()
  contact_id?: string;

  @ApiProperty({ enum: ConsentTypes })
  @IsIn(ConsentTypes)
  type: ConsentType;

  @ApiProperty({ enum: ConsentStatuses })
  @IsIn(ConsentStatuses)
  status: ConsentStatus;

  @ApiProperty({ maxLength: NAME_MAX, example: 'web_form', description: 'Where the consent or revocation came from' })
  @NonBlankText(NAME_MAX)
  source: string;

  @ApiPropertyOptional({ maxLength: FREE_TEXT_MAX, description: 'What proves it (form URL, recording id, message text)' })
  @IsOptional()
  @BoundedText(FREE_TEXT_MAX)
  evidence?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true })
  expires_at?: string;
}

export class ConsentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '+14155550100' }) phone: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) contact_id: string | null;
  @ApiProperty({ enum: ConsentTypes }) type: ConsentType;
  @ApiProperty({ enum: ConsentStatuses }) status: ConsentStatus;
  @ApiProperty() source: string;
  @ApiProperty({ nullable: true, type: String }) evidence: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expires_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) recorded_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class ConsentPage {
  @ApiProperty({ type: [ConsentView] }) data: ConsentView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class ListConsentsQuery extends PageQuery {
  @ApiPropertyOptional({ example: '+14155550100', description: 'Only this number’s rows (newest first)' })
  @IsOptional()
  @Matches(E164, { message: 'phone must be an E.164 number like +14155550100' })
  phone?: string;

  @ApiPropertyOptional({ enum: ConsentTypes })
  @IsOptional()
  @IsIn(ConsentTypes)
  type?: ConsentType;
}

export class AddDncRequest {
  @ApiProperty({ example: '+14155550100' })
  @Matches(E164, { message: 'phone must be an E.164 number like +14155550100' })
  phone: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX, example: 'customer_request' })
  @IsOptional()
  @BoundedText(NAME_MAX)
  reason?: string;
}

export class DncEntryView {
  @ApiProperty({ example: '+14155550100' }) phone: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty() source: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) added_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class DncPage {
  @ApiProperty({ type: [DncEntryView] }) data: DncEntryView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class ListDncQuery extends PageQuery {}

export class DncPhoneCommand {
  @ApiProperty({ example: '+14155550100' })
  @Matches(E164, { message: 'phone must be an E.164 number like +14155550100' })
  phone: string;
}
