import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { E164 } from './compliance.dto';

/** Line types as libphonenumber knows them (null in a view when the numbering plan cannot tell). */
export const LineTypes = [
  'mobile',
  'fixed_line',
  'fixed_line_or_mobile',
  'toll_free',
  'premium_rate',
  'shared_cost',
  'voip',
  'personal_number',
  'pager',
  'uan',
  'voicemail',
] as const;
export type LineType = (typeof LineTypes)[number];

/** `listed` / `clear` as decided by the newest national list covering the number; `unknown` when none covers it. */
export const NationalDncStatuses = ['listed', 'clear', 'unknown'] as const;
export type NationalDncStatus = (typeof NationalDncStatuses)[number];

export class PhoneNumberCommand {
  @ApiProperty({ example: '+14155550100', description: 'E.164' })
  @Matches(E164, { message: 'e164 must be an E.164 number like +14155550100' })
  e164: string;
}

export class NationalDncView {
  @ApiProperty({ enum: NationalDncStatuses }) status: NationalDncStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date', description: 'Date of the national list that decided the status (the scrub date)' })
  list_date: string | null;
  @ApiProperty({ description: 'No scrub, or one older than 31 days: calls and texts that need a scrub are refused with dnc_scrub_stale' })
  stale: boolean;
  @ApiProperty({ description: 'Whether outbound calls and texts to this number need a current national scrub (every +1 number; others once a list covers them)' })
  scrub_required: boolean;
}

/** A contact of the caller's tenant that carries the number. */
export class PhoneNumberContactView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) first_name: string | null;
  @ApiProperty({ nullable: true, type: String }) last_name: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) owner_id: string | null;
}

/** The registry's entry for a number (global facts) and the caller's contacts that carry it (tenant data). */
export class PhoneNumberView {
  @ApiProperty({ example: '+14155550100' }) e164: string;
  @ApiProperty({ nullable: true, type: String, example: 'US', description: 'ISO 3166 region of the number' }) country: string | null;
  @ApiProperty({ nullable: true, enum: LineTypes }) line_type: LineType | null;
  @ApiProperty({ nullable: true, type: String, description: 'Carrier, when a loaded source names it' }) carrier: string | null;
  @ApiProperty({ type: NationalDncView }) national_dnc: NationalDncView;
  @ApiProperty({ type: [PhoneNumberContactView], description: 'This tenant’s live contacts whose phones include the number' })
  contacts: PhoneNumberContactView[];
}
