import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { PageInfoView } from '../crm/contact.dto';
import { NonBlankText } from '../crm/text.validators';
import { E164 } from './compliance.dto';

/** Twilio's limit for one message body (it splits longer texts into segments up to this). */
export const SMS_BODY_MAX = 1600;

export const SmsDirections = ['outbound', 'inbound'] as const;
export type SmsDirection = (typeof SmsDirections)[number];

/**
 * A text's life. Outbound: queued → sent → delivered | undelivered | failed, only ever forward
 * (the last three are final and share a rank, so the first final status is the one kept).
 * Inbound texts are `received` and stay so.
 */
export const SmsStatuses = ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'received'] as const;
export type SmsStatus = (typeof SmsStatuses)[number];

/** Whole-message replies that change a number's SMS consent (case and surrounding whitespace ignored). */
export const SmsOptOutKeywords = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;
export const SmsOptInKeywords = ['START', 'UNSTOP'] as const;
/** What an inbound text did to the sender's SMS consent: `opt_out` revoked it, `opt_in` granted it. */
export type SmsKeywordEffect = 'opt_out' | 'opt_in';

export class SendSmsRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  contact_id: string;

  @ApiPropertyOptional({ example: '+14155550100', description: "E.164; default the contact's primary phone" })
  @IsOptional()
  @Matches(E164, { message: 'to must be an E.164 number like +14155550100' })
  to?: string;

  @ApiPropertyOptional({
    example: '+15005550006',
    description: 'The number the text comes from (one the account owns); default the platform number. Replies to it come back to this tenant.',
  })
  @IsOptional()
  @Matches(E164, { message: 'from must be an E.164 number like +15005550006' })
  from?: string;

  @ApiProperty({ minLength: 1, maxLength: SMS_BODY_MAX, example: 'Hi Pat, are you free for a call tomorrow at 10?' })
  @NonBlankText(SMS_BODY_MAX)
  body: string;
}

export class SmsView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SmsDirections }) direction: SmsDirection;
  @ApiProperty({ enum: SmsStatuses }) status: SmsStatus;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'null for a text from a number that is no contact' }) contact_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Who sent it (outbound); null for inbound texts and automatic replies' })
  owner_id: string | null;
  @ApiProperty({ example: '+14155550100' }) to: string;
  @ApiProperty({ example: '+15005550006' }) from: string;
  @ApiProperty() body: string;
  @ApiProperty({ nullable: true, type: String, example: '30003', description: "Twilio's ErrorCode for an undelivered or failed text" })
  error_code: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() version: number;
}

export class SmsPage {
  @ApiProperty({ type: [SmsView] }) data: SmsView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class ListSmsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only texts to and from this contact' })
  @IsOptional()
  @IsUUID()
  contact_id?: string;
}
