import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * Where a user's Gmail connection stands (SPEC sections 4 and 6):
 * - `not_connected`: no mailbox connected;
 * - `syncing`: connected, the first sync (the last N days) still running;
 * - `healthy`: in sync (pushes and the safety-net poll keep it so);
 * - `needs_reconsent`: Google refused the stored grant (revoked, expired, password changed): nothing
 *   syncs until the user connects again;
 * - `error`: the last sync failed for another reason (Google unreachable, a 5xx); the next push or
 *   poll retries, and `last_error` says what happened.
 */
export const GmailConnectionStatuses = ['not_connected', 'syncing', 'healthy', 'needs_reconsent', 'error'] as const;
export type GmailConnectionStatus = (typeof GmailConnectionStatuses)[number];

/** `GET /v1/integrations/gmail`: the caller's own mailbox connection and its sync health. */
export class GmailConnectionView {
  @ApiProperty({ enum: GmailConnectionStatuses }) status: GmailConnectionStatus;
  @ApiProperty({ type: String, nullable: true, example: 'alice@example.com' }) email_address: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) connected_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the mailbox was last known to be in sync' }) last_sync_at: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds since last_sync_at: how far behind the timeline may be' }) lag_seconds: number | null;
  @ApiProperty({ description: 'Messages this connection put on a timeline (a message other mailboxes of the tenant brought first is not counted again)' })
  messages_imported: number;
  @ApiProperty({ description: 'Messages read from the mailbox so far (matched to a contact or not)' }) messages_seen: number;
  @ApiProperty({ description: 'Whether the first sync of the last N days has finished' }) initial_sync_done: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'What went wrong last (no tokens, no message contents)' }) last_error: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_error_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the push watch expires (renewed before, by the sync)' }) watch_expires_at: string | null;
}

/** `GET /v1/integrations/gmail/authorize-url`: where to send the user's browser. */
export class GmailAuthorizeUrlView {
  @ApiProperty({ description: 'Google’s consent screen, with the state and PKCE challenge of this attempt' }) url: string;
  @ApiProperty({ description: 'The state the consent screen will hand back with the code; usable once, by this user only' }) state: string;
  @ApiProperty({ format: 'date-time', description: 'The state is refused after this moment' }) expires_at: string;
}

/** `POST /v1/integrations/gmail/connect`: what Google handed back to the redirect URI. */
export class ConnectGmailRequest {
  @ApiProperty({ description: 'The authorization code from the redirect', maxLength: 2048 })
  @IsString()
  @Length(1, 2048)
  code: string;

  @ApiProperty({ description: 'The state from the redirect (from GET authorize-url)', example: 'kqPp0m1VkR3m3d2h0y7rY9oW6m4oZ8W2u5n1t3s5q7A' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'state must be the 43-character state from GET /v1/integrations/gmail/authorize-url' })
  state: string;
}

/** A Pub/Sub push as the gateway received it at `POST /webhooks/gmail` (internal). */
export class GmailPushCommand {
  /** The `token` query parameter (the push subscription's shared secret); null when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  token: string | null;

  /** The JSON body as parsed by the gateway (checked by activity-service). */
  @Allow()
  body: unknown;
}

export class GmailPushReply {
  /** How many connections (across tenants) the push woke up. */
  @IsInt()
  connections: number;
}

/** `evt.activity.gmail.connection_changed`: a connection was made, removed, or lost Google's consent. */
export interface GmailConnectionChangedEvent {
  user_id: string;
  email_address: string;
  change: 'connected' | 'disconnected' | 'needs_reconsent';
  /** For needs_reconsent: what Google answered (e.g. `invalid_grant`). */
  reason: string | null;
}

/** `GET /v1/integrations/gmail/settings`: what the tenant's admins chose for every mailbox of the tenant. */
export class GmailSettingsView {
  @ApiProperty({ minimum: 1, maximum: 365, description: 'Days of mail the first sync of a mailbox reads (and a resync after Gmail dropped its history)' })
  initial_sync_days: number;

  @ApiProperty({ description: 'Whether the plain text of synced messages is stored (encrypted with the tenant’s key); off: only subject, snippet and participants' })
  store_bodies: boolean;

  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 3650, description: 'Stored bodies older than this many days are deleted; null: kept while the activity exists' })
  body_retention_days: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updated_at: string | null;
}

/** `PUT /v1/integrations/gmail/settings` (admins): the fields given are set, the others kept. Turning `store_bodies` off deletes the bodies stored. */
export class UpdateGmailSettingsRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 365, example: 30 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  initial_sync_days?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  store_bodies?: boolean;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  body_retention_days?: number | null;
}

/** `GET /v1/activities/{id}/email-body`: the stored text of a synced message. */
export class EmailBodyView {
  @ApiProperty({ format: 'uuid' }) activity_id: string;
  @ApiProperty({ description: 'The message’s text/plain part (or its HTML part as text), at most 100,000 characters' }) text: string;
  @ApiProperty({ description: 'Whether the text was cut at 100,000 characters' }) truncated: boolean;
}

export class EmailBodyCommand {
  @IsUUID()
  activity_id: string;
}
