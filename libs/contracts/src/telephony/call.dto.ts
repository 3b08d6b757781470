import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { PageInfoView } from '../crm/contact.dto';
import { BoundedText, FREE_TEXT_MAX, NAME_MAX } from '../crm/text.validators';
import { E164 } from './compliance.dto';

/**
 * A call's life, in order: a status only ever moves to a later one (the last five are final and
 * share the last rank, so the first final status a call reaches is the one it keeps).
 */
export const CallStatuses = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type CallStatus = (typeof CallStatuses)[number];
export const FinalCallStatuses: readonly CallStatus[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/**
 * `bridge` rings the rep's phone, then the contact (placed with POST /v1/calls); `browser` is the
 * rep's Voice SDK device in the web app, placed by the device itself (token from POST /v1/calls/token,
 * gated at the TwiML webhook), so a REST request can only ask for `bridge`.
 */
export const CallModes = ['bridge', 'browser'] as const;
export type CallMode = (typeof CallModes)[number];

export class CreateCallRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  contact_id: string;

  @ApiPropertyOptional({ example: '+14155550100', description: "E.164; default the contact's primary phone" })
  @IsOptional()
  @Matches(E164, { message: 'to must be an E.164 number like +14155550100' })
  to?: string;

  @ApiPropertyOptional({ example: '+15005550006', description: 'Caller id shown to the contact; default the tenant’s number' })
  @IsOptional()
  @Matches(E164, { message: 'from must be an E.164 number like +15005550006' })
  from?: string;

  @ApiProperty({ example: '+14155550111', description: "Bridge mode rings this phone (the rep's) first, then the contact" })
  @Matches(E164, { message: 'rep_phone must be an E.164 number like +14155550111' })
  rep_phone: string;

  @ApiPropertyOptional({ enum: ['bridge'], default: 'bridge', description: 'Browser calls are placed by the Voice SDK device (see POST /v1/calls/token)' })
  @IsOptional()
  @IsIn(['bridge'], { message: 'mode must be bridge; browser calls are placed by the Voice SDK device with a token from POST /v1/calls/token' })
  mode?: 'bridge';

  @ApiPropertyOptional({ default: false, description: 'Record the call (both parties, from answer). Some jurisdictions require every party’s consent to be recorded.' })
  @IsOptional()
  @IsBoolean()
  record?: boolean;
}

export class CallView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CallStatuses }) status: CallStatus;
  @ApiProperty({ format: 'uuid' }) contact_id: string;
  @ApiProperty({ format: 'uuid' }) owner_id: string;
  @ApiProperty({ example: '+14155550100' }) to: string;
  @ApiProperty({ example: '+15005550006' }) from: string;
  @ApiProperty({ example: '+14155550111' }) rep_phone: string;
  @ApiProperty({ enum: ['outbound'] }) direction: 'outbound';
  @ApiProperty({ enum: CallModes }) mode: CallMode;
  @ApiProperty({ description: 'Whether the call is recorded' }) record: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'Seconds the contact was connected' }) duration_s: number | null;
  @ApiProperty({ nullable: true, type: String }) disposition: string | null;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ format: 'date-time' }) started_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) answered_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) ended_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() version: number;
}

export class CallPage {
  @ApiProperty({ type: [CallView] }) data: CallView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class ListCallsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contact_id?: string;

  @ApiPropertyOptional({ enum: CallStatuses })
  @IsOptional()
  @IsIn(CallStatuses)
  status?: CallStatus;
}

export class UpdateCallRequest {
  @ApiPropertyOptional({ maxLength: NAME_MAX, example: 'connected', description: '`do_not_call` also puts the number on the internal DNC list' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'disposition must be a lower-case key like connected or do_not_call' })
  disposition?: string;

  @ApiPropertyOptional({ maxLength: FREE_TEXT_MAX, nullable: true })
  @IsOptional()
  @BoundedText(FREE_TEXT_MAX)
  notes?: string | null;
}

export class CallIdCommand {
  @IsUUID()
  id: string;
}

export class UpdateCallCommand extends UpdateCallRequest {
  @IsUUID()
  id: string;
}

/**
 * A provider callback as the gateway received it: the path and query it was posted to (what
 * Twilio signed, after the public base URL), the form fields, and the signature header.
 */
export class TwilioWebhookCommand {
  @IsString()
  @MaxLength(2048)
  url: string;

  @IsObject()
  params: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  signature?: string;
}

/** What a status callback did: `applied` moved the call on; `ignored` was a duplicate, late or unknown. */
export class WebhookOutcome {
  @ApiProperty({ enum: ['applied', 'ignored'] }) outcome: 'applied' | 'ignored';
}

/** A Twilio Voice access token for the browser's Voice SDK device. */
export class VoiceTokenView {
  @ApiProperty({ description: 'JWT for Twilio.Device; carries a VoiceGrant for outgoing calls' }) token: string;
  @ApiProperty({ description: 'The device identity (ties the browser to this user and tenant)' }) identity: string;
  @ApiProperty({ description: 'Seconds until the token expires (at most 3600)' }) expires_in: number;
}

/** What a recording is, without its audio (which streams from GET /v1/calls/:id/recording). */
export class RecordingInfo {
  call_id: string;
  sid: string;
  duration_s: number | null;
  channels: number | null;
  content_type: string;
  /** Bytes of the audio. */
  size: number;
}

/** Bytes [start, end] (inclusive) of a call's recording, read from the provider for the gateway's stream. */
export class RecordingChunkCommand {
  @IsUUID()
  id: string;

  @IsInt()
  @Min(0)
  start: number;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  end: number;
}

export class RecordingChunk {
  /** base64 of the bytes */
  data: string;
  size: number;
}

/** The TwiML a voice webhook answers with. */
export class TwimlReply {
  twiml: string;
}
