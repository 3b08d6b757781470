import { Inject, Injectable } from '@nestjs/common';
import { type CallView, grantFor, type RecordingChunk, type RecordingChunkCommand, type RecordingInfo, type TwilioWebhookCommand, type WebhookOutcome } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertGranted, requireTenant } from '@engage/access';
import { TenantDatabase } from '@engage/database';
import { NotFoundError, ValidationError } from '@engage/errors';
import { type Logger } from '@engage/logging';
import { LOGGER } from '@engage/service-runtime';
import { assertSignature, callbackIds } from '../accounts/callback-signature';
import { TwilioAccounts } from '../accounts/twilio-accounts';
import { CallsRepository } from '../calls/calls.repository';
import { RECORDING_STATUS_PATH } from '../calls/calls.service';
import { TwilioVoice } from '../calls/twilio-voice';
import { RecordingsRepository } from './recordings.repository';

const RECORDING_SID = /^RE[0-9a-f]{32}$/i;
const REPORTED_STATUSES = ['in-progress', 'paused', 'stopped', 'processing', 'completed', 'absent', 'failed'];
/** The most the gateway reads in one request while it streams a recording (NATS messages stay small). */
export const MAX_RECORDING_CHUNK = 512 * 1024;

const count = (raw: string | undefined): number | null => {
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n < 2 ** 31 ? n : null;
};

/**
 * Call recordings: Twilio's recording-status callbacks (`POST /webhooks/twilio/recording`), the
 * audio streamed to the people allowed to hear it, and deletion at the provider, each with the Twilio
 * account the call was placed with (TwilioAccounts.forCall). Recordings are
 * private: only the call's owner, managers and admins get them; for anyone else, and for another
 * tenant, the recording does not exist (404).
 */
@Injectable()
export class RecordingsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly calls: CallsRepository,
    private readonly recordings: RecordingsRepository,
    private readonly twilio: TwilioVoice,
    private readonly accounts: TwilioAccounts,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async applyCallback(input: TwilioWebhookCommand): Promise<WebhookOutcome> {
    assertSignature(await this.accounts.isSignedFor(input), this.logger, 'recording callback', input);
    const ids = callbackIds(input.url, RECORDING_STATUS_PATH, 'call');
    const p = input.params;
    if (!ids || !RECORDING_SID.test(p.RecordingSid ?? '')) {
      return this.ignore('callback for no recording of ours', { recording_sid: p.RecordingSid });
    }
    const { tenantId, id: callId } = ids;
    if (!REPORTED_STATUSES.includes(p.RecordingStatus ?? '')) return this.ignore('unknown RecordingStatus', { recording_sid: p.RecordingSid, status: p.RecordingStatus });
    return this.db.transaction(tenantId, async (tx) => {
      if (!(await this.calls.lock(tx, tenantId, callId))) return this.ignore('callback for an unknown call', { recording_sid: p.RecordingSid });
      const moved = await this.recordings.report(tx, tenantId, callId, {
        sid: p.RecordingSid,
        status: p.RecordingStatus,
        duration_s: count(p.RecordingDuration),
        channels: count(p.RecordingChannels),
        source: p.RecordingSource ? p.RecordingSource.slice(0, 64) : null,
        error_code: p.ErrorCode && p.ErrorCode !== '0' ? p.ErrorCode.slice(0, 16) : null,
      });
      return moved ? { outcome: 'applied' as const } : this.ignore('duplicate or late recording callback', { recording_sid: p.RecordingSid, status: p.RecordingStatus });
    });
  }

  /** The call's recording as the caller may see it (size and type from the provider), or 404. */
  async info(ctx: RequestContext, callId: string): Promise<RecordingInfo> {
    const { tenantId, call } = await this.assertMayHear(ctx, callId);
    const recording = await this.recordings.playable(tenantId, callId);
    if (!recording) throw new NotFoundError('Recording of call', callId);
    const media = await this.twilio.recordingMedia(await this.accounts.forItem(tenantId, call), recording.sid, 0, 0);
    return { call_id: callId, sid: recording.sid, duration_s: recording.duration_s, channels: recording.channels, content_type: media.contentType, size: media.total };
  }

  /** Bytes `start`–`end` of the recording, for the gateway's stream; access is checked on every piece. */
  async chunk(ctx: RequestContext, input: RecordingChunkCommand): Promise<RecordingChunk> {
    if (input.end < input.start || input.end - input.start + 1 > MAX_RECORDING_CHUNK) {
      throw new ValidationError('The byte range is not valid.', { fields: { end: [`end must be at least start and the range at most ${MAX_RECORDING_CHUNK} bytes`] } });
    }
    const { tenantId, call } = await this.assertMayHear(ctx, input.id);
    const recording = await this.recordings.playable(tenantId, input.id);
    if (!recording) throw new NotFoundError('Recording of call', input.id);
    const media = await this.twilio.recordingMedia(await this.accounts.forItem(tenantId, call), recording.sid, input.start, input.end);
    return { data: media.bytes.toString('base64'), size: media.total };
  }

  /**
   * Deletes the call's recordings at Twilio and marks them deleted here: the one path erasure and
   * retention use. Safe to repeat (a recording already gone at the provider counts as deleted).
   */
  async deleteForCall(tenantId: string, callId: string): Promise<number> {
    return this.db.transaction(tenantId, async (tx) => {
      const rows = await this.recordings.ofCall(tx, tenantId, callId);
      // Read without a lock (callbacks lock the call before its recordings; this must not wait the other way round).
      const call = rows.length > 0 ? await this.calls.findById(tenantId, callId) : null;
      if (!call) return 0;
      const account = await this.accounts.forItem(tenantId, call);
      for (const r of rows) {
        await this.twilio.deleteRecording(account, r.sid);
        await this.recordings.markDeleted(tx, tenantId, r.sid);
      }
      return rows.length;
    });
  }

  /** Owner, manager or admin; anyone else learns nothing (404, as for a call of another tenant). */
  private async assertMayHear(ctx: RequestContext, callId: string): Promise<{ tenantId: string; call: CallView }> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'calls', 'read');
    const call = await this.calls.findById(tctx.tenantId, callId);
    const everyCall = grantFor(ctx.role, 'calls', 'update') === 'any';
    if (!call || (!everyCall && call.owner_id !== ctx.userId)) throw new NotFoundError('Recording of call', callId);
    return { tenantId: tctx.tenantId, call };
  }

  private ignore(reason: string, fields: Record<string, unknown>): WebhookOutcome {
    this.logger.info(fields, `recording callback ignored: ${reason}`);
    return { outcome: 'ignored' };
  }
}
