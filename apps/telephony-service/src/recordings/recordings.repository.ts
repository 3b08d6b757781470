import { Injectable } from '@nestjs/common';
import { TenantDatabase, type Tx } from '@engage/database';

export interface RecordingRow {
  sid: string;
  call_id: string;
  status: string;
  duration_s: number | null;
  channels: number | null;
}

export interface RecordingReport {
  sid: string;
  status: string;
  duration_s: number | null;
  channels: number | null;
  source: string | null;
  error_code: string | null;
}

/** SQL of call recordings (what Twilio reported; the audio stays at the provider). */
@Injectable()
export class RecordingsRepository {
  constructor(private readonly db: TenantDatabase) {}

  /**
   * Records what a recording-status callback says, only moving the recording forward
   * (telephony.recording_status_rank): a duplicate or a late `in-progress` after `completed`
   * changes nothing. True when the row was created or moved.
   */
  async report(tx: Tx, tenantId: string, callId: string, r: RecordingReport): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO telephony.call_recordings AS cr (tenant_id, sid, call_id, status, duration_s, channels, source, error_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, sid) DO UPDATE SET status = EXCLUDED.status,
              duration_s = coalesce(EXCLUDED.duration_s, cr.duration_s), channels = coalesce(EXCLUDED.channels, cr.channels),
              source = coalesce(EXCLUDED.source, cr.source), error_code = EXCLUDED.error_code, updated_at = now()
        WHERE cr.call_id = EXCLUDED.call_id AND cr.status <> 'deleted'
          AND telephony.recording_status_rank(cr.status) < telephony.recording_status_rank(EXCLUDED.status)
       RETURNING sid`,
      [tenantId, r.sid, callId, r.status, r.duration_s, r.channels, r.source, r.error_code],
    );
    return rows.length > 0;
  }

  /** The call's playable recording: the newest completed one not deleted. */
  async playable(tenantId: string, callId: string): Promise<RecordingRow | null> {
    const rows = await this.db.read<RecordingRow>(
      tenantId,
      {
        name: 'telephony_call_recording_playable',
        text: `SELECT sid, call_id, status, duration_s, channels FROM telephony.call_recordings
                WHERE tenant_id = $1 AND call_id = $2 AND status = 'completed' AND deleted_at IS NULL
                ORDER BY created_at DESC LIMIT 1`,
      },
      [tenantId, callId],
    );
    return rows[0] ?? null;
  }

  async ofCall(tx: Tx, tenantId: string, callId: string): Promise<RecordingRow[]> {
    return tx.query(`SELECT sid, call_id, status, duration_s, channels FROM telephony.call_recordings WHERE tenant_id = $1 AND call_id = $2 AND status <> 'deleted' FOR UPDATE`, [
      tenantId,
      callId,
    ]);
  }

  async markDeleted(tx: Tx, tenantId: string, sid: string): Promise<void> {
    await tx.query(`UPDATE telephony.call_recordings SET status = 'deleted', deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND sid = $2`, [tenantId, sid]);
  }
}
