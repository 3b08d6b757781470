import { Injectable } from '@nestjs/common';
import { isoTime, TenantDatabase, type Tx } from '@engage/database';

/** A user's Gmail connection as stored (the refresh token only ever sealed). */
export interface GmailConnectionRow {
  tenant_id: string;
  user_id: string;
  email_address: string;
  refresh_token_sealed: string;
  status: 'syncing' | 'healthy' | 'needs_reconsent' | 'error';
  history_id: string | null;
  initial_sync_done: boolean;
  full_sync_page_token: string | null;
  full_sync_history_id: string | null;
  last_sync_at: string | null;
  messages_imported: string;
  messages_seen: string;
  full_resyncs: number;
  last_error: string | null;
  last_error_at: string | null;
  watch_expires_at: string | null;
  connected_at: string;
}

/** A connection a push or the poll should sync. */
export interface ConnectionKey {
  tenant_id: string;
  user_id: string;
}

const COLUMNS = `tenant_id, user_id, email_address, refresh_token_sealed, status, history_id, initial_sync_done, full_sync_page_token,
  full_sync_history_id, ${isoTime('last_sync_at')} AS last_sync_at, messages_imported, messages_seen, full_resyncs, last_error,
  ${isoTime('last_error_at')} AS last_error_at, ${isoTime('watch_expires_at')} AS watch_expires_at, ${isoTime('connected_at')} AS connected_at`;

/** What one committed step of a sync records (all in the transaction that wrote its activities). */
export interface SyncProgress {
  seen: number;
  imported: number;
  /** The lease is extended by this much: a long first sync keeps the mailbox to itself. */
  leaseMs: number;
  /** Set when the step finished a page of the first sync: where a restarted sync resumes. */
  fullSyncPageToken?: string | null;
}

/** SQL of `activity.gmail_connections` and `activity.gmail_oauth_states`; every method names the tenant. */
@Injectable()
export class GmailConnectionsRepository {
  constructor(private readonly db: TenantDatabase) {}

  async find(tenantId: string, userId: string): Promise<GmailConnectionRow | null> {
    const rows = await this.db.transaction(tenantId, (tx) =>
      tx.query<GmailConnectionRow>(`SELECT ${COLUMNS} FROM activity.gmail_connections WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId]),
    );
    return rows[0] ?? null;
  }

  async saveState(tenantId: string, w: { stateHash: string; userId: string; verifierSealed: string; ttlMs: number }): Promise<string> {
    return this.db.transaction(tenantId, async (tx) => {
      // Abandoned consent screens of the tenant go as new ones are opened.
      await tx.query(`DELETE FROM activity.gmail_oauth_states WHERE tenant_id = $1 AND expires_at < now()`, [tenantId]);
      const rows = await tx.query<{ expires_at: string }>(
        `INSERT INTO activity.gmail_oauth_states (tenant_id, state_hash, user_id, code_verifier_sealed, expires_at)
         VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond') RETURNING ${isoTime('expires_at')} AS expires_at`,
        [tenantId, w.stateHash, w.userId, w.verifierSealed, w.ttlMs],
      );
      return rows[0].expires_at;
    });
  }

  /** The state's sealed PKCE verifier, consumed: a state works once, for the user it was made for, before it expires. */
  async takeState(tenantId: string, stateHash: string, userId: string): Promise<string | null> {
    const rows = await this.db.transaction(tenantId, (tx) =>
      tx.query<{ code_verifier_sealed: string; live: boolean }>(
        `DELETE FROM activity.gmail_oauth_states WHERE tenant_id = $1 AND state_hash = $2 AND user_id = $3
         RETURNING code_verifier_sealed, expires_at > now() AS live`,
        [tenantId, stateHash, userId],
      ),
    );
    return rows[0]?.live ? rows[0].code_verifier_sealed : null;
  }

  async lock(tx: Tx, tenantId: string, userId: string): Promise<GmailConnectionRow | null> {
    const rows = await tx.query<GmailConnectionRow>(`SELECT ${COLUMNS} FROM activity.gmail_connections WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE`, [tenantId, userId]);
    return rows[0] ?? null;
  }

  /** The user of the tenant whose connection holds this address, if any. */
  async holderOf(tx: Tx, tenantId: string, emailAddress: string): Promise<string | null> {
    const rows = await tx.query<{ user_id: string }>(`SELECT user_id FROM activity.gmail_connections WHERE tenant_id = $1 AND email_address = $2`, [tenantId, emailAddress]);
    return rows[0]?.user_id ?? null;
  }

  /** A new connection (or the user's mailbox replaced): everything about a previous sync starts over. */
  async upsert(tx: Tx, tenantId: string, userId: string, emailAddress: string, refreshTokenSealed: string): Promise<GmailConnectionRow> {
    const rows = await tx.query<GmailConnectionRow>(
      `INSERT INTO activity.gmail_connections (tenant_id, user_id, email_address, refresh_token_sealed, status)
       VALUES ($1, $2, $3, $4, 'syncing')
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET email_address = EXCLUDED.email_address, refresh_token_sealed = EXCLUDED.refresh_token_sealed,
         status = 'syncing', history_id = NULL, initial_sync_done = false, full_sync_page_token = NULL, full_sync_history_id = NULL,
         sync_requested = true, lease_until = NULL, last_attempt_at = NULL, last_sync_at = NULL, messages_imported = 0, messages_seen = 0,
         full_resyncs = 0, last_error = NULL, last_error_at = NULL, watch_expires_at = NULL, connected_at = now(), updated_at = now()
       RETURNING ${COLUMNS}`,
      [tenantId, userId, emailAddress, refreshTokenSealed],
    );
    return rows[0];
  }

  async remove(tx: Tx, tenantId: string, userId: string): Promise<GmailConnectionRow | null> {
    const rows = await tx.query<GmailConnectionRow>(`DELETE FROM activity.gmail_connections WHERE tenant_id = $1 AND user_id = $2 RETURNING ${COLUMNS}`, [tenantId, userId]);
    return rows[0] ?? null;
  }

  /** Asks for a sync; the one running (here or on another replica) runs again when it ends. */
  async requestSync(tenantId: string, userId: string): Promise<boolean> {
    const rows = await this.db.transaction(tenantId, (tx) =>
      tx.query(`UPDATE activity.gmail_connections SET sync_requested = true WHERE tenant_id = $1 AND user_id = $2 AND status <> 'needs_reconsent' RETURNING user_id`, [tenantId, userId]),
    );
    return rows.length > 0;
  }

  /**
   * Takes the mailbox for one sync: nobody else holds its lease (or the holder died and it lapsed),
   * and it still has Google's consent. Clears the request flag it is about to honour.
   */
  async claim(tenantId: string, userId: string, leaseMs: number): Promise<GmailConnectionRow | null> {
    const rows = await this.db.transaction(tenantId, (tx) =>
      tx.query<GmailConnectionRow>(
        `UPDATE activity.gmail_connections SET lease_until = now() + $3 * interval '1 millisecond', sync_requested = false, last_attempt_at = now()
          WHERE tenant_id = $1 AND user_id = $2 AND status <> 'needs_reconsent' AND (lease_until IS NULL OR lease_until < now())
          RETURNING ${COLUMNS}`,
        [tenantId, userId, leaseMs],
      ),
    );
    return rows[0] ?? null;
  }

  /** Gives the lease back; whether another sync was asked for meanwhile. */
  async release(tenantId: string, userId: string): Promise<boolean> {
    const rows = await this.db.transaction(tenantId, (tx) =>
      tx.query<{ sync_requested: boolean }>(
        `UPDATE activity.gmail_connections SET lease_until = NULL WHERE tenant_id = $1 AND user_id = $2 RETURNING sync_requested AND status <> 'needs_reconsent' AS sync_requested`,
        [tenantId, userId],
      ),
    );
    return rows[0]?.sync_requested ?? false;
  }

  /**
   * Records a step of a sync in its transaction; false when the connection is gone (disconnected,
   * or replaced by another mailbox: `email_address` no longer matches) — the step must not commit.
   */
  async progress(tx: Tx, tenantId: string, userId: string, emailAddress: string, p: SyncProgress): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE activity.gmail_connections SET messages_seen = messages_seen + $4, messages_imported = messages_imported + $5,
         lease_until = now() + $6 * interval '1 millisecond',
         full_sync_page_token = CASE WHEN $7::boolean THEN $8 ELSE full_sync_page_token END, updated_at = now()
        WHERE tenant_id = $1 AND user_id = $2 AND email_address = $3 RETURNING user_id`,
      [tenantId, userId, emailAddress, p.seen, p.imported, p.leaseMs, p.fullSyncPageToken !== undefined, p.fullSyncPageToken ?? null],
    );
    return rows.length > 0;
  }

  /** A first sync (or a resync) starts from the mailbox's history id of this moment. */
  async beginFullSync(tenantId: string, userId: string, emailAddress: string, historyId: string, resync: boolean): Promise<void> {
    await this.db.transaction(tenantId, (tx) =>
      tx.query(
        `UPDATE activity.gmail_connections SET initial_sync_done = false, history_id = NULL, full_sync_history_id = $4, full_sync_page_token = NULL,
           full_resyncs = full_resyncs + $5, updated_at = now()
          WHERE tenant_id = $1 AND user_id = $2 AND email_address = $3`,
        [tenantId, userId, emailAddress, historyId, resync ? 1 : 0],
      ),
    );
  }

  /** Every page of the first sync is in: from now on the history since its starting point is read. */
  async finishFullSync(tenantId: string, userId: string, emailAddress: string): Promise<void> {
    await this.db.transaction(tenantId, (tx) =>
      tx.query(
        `UPDATE activity.gmail_connections SET initial_sync_done = true, history_id = full_sync_history_id, full_sync_history_id = NULL,
           full_sync_page_token = NULL, updated_at = now()
          WHERE tenant_id = $1 AND user_id = $2 AND email_address = $3 AND full_sync_history_id IS NOT NULL`,
        [tenantId, userId, emailAddress],
      ),
    );
  }

  /** The history read so far is applied: the next incremental sync starts at `historyId`. */
  async advanceHistory(tx: Tx, tenantId: string, userId: string, emailAddress: string, historyId: string): Promise<void> {
    await tx.query(
      `UPDATE activity.gmail_connections SET history_id = $4, updated_at = now()
        WHERE tenant_id = $1 AND user_id = $2 AND email_address = $3 AND initial_sync_done
          AND (history_id IS NULL OR history_id::numeric < $4::numeric)`,
      [tenantId, userId, emailAddress, historyId],
    );
  }

  async succeeded(tenantId: string, userId: string, emailAddress: string): Promise<void> {
    await this.db.transaction(tenantId, (tx) =>
      tx.query(
        `UPDATE activity.gmail_connections SET status = CASE WHEN initial_sync_done THEN 'healthy' ELSE 'syncing' END,
           last_sync_at = CASE WHEN initial_sync_done THEN now() ELSE last_sync_at END, last_error = NULL, last_error_at = NULL, updated_at = now()
          WHERE tenant_id = $1 AND user_id = $2 AND email_address = $3 AND status <> 'needs_reconsent'`,
        [tenantId, userId, emailAddress],
      ),
    );
  }

  /** A failed sync; `reconsent` also stops syncing until the user connects again. True when the status changed to it now. */
  async failed(tx: Tx, tenantId: string, userId: string, emailAddress: string, error: string, reconsent: boolean): Promise<boolean> {
    const rows = await tx.query<{ was: string }>(
      `UPDATE activity.gmail_connections c SET status = CASE WHEN $5::boolean THEN 'needs_reconsent' WHEN c.status = 'needs_reconsent' THEN 'needs_reconsent' ELSE 'error' END,
         last_error = $4, last_error_at = now(), updated_at = now()
        FROM (SELECT status AS was FROM activity.gmail_connections WHERE tenant_id = $1 AND user_id = $2 AND email_address = $3 FOR UPDATE) old
        WHERE c.tenant_id = $1 AND c.user_id = $2 AND c.email_address = $3
        RETURNING old.was`,
      [tenantId, userId, emailAddress, error, reconsent],
    );
    return reconsent && rows.length > 0 && rows[0].was !== 'needs_reconsent';
  }

  async watched(tenantId: string, userId: string, emailAddress: string, expiresAt: string | null): Promise<void> {
    await this.db.transaction(tenantId, (tx) =>
      tx.query(`UPDATE activity.gmail_connections SET watch_expires_at = $4 WHERE tenant_id = $1 AND user_id = $2 AND email_address = $3`, [tenantId, userId, emailAddress, expiresAt]),
    );
  }

  /** Every connection (in any tenant) of a mailbox address: where a Gmail push goes. */
  async connectionsOf(emailAddress: string): Promise<ConnectionKey[]> {
    return this.db.acrossTenants('mail_sync', (tx) =>
      tx.query<ConnectionKey>(`SELECT tenant_id, user_id FROM activity.gmail_connections WHERE email_address = $1 AND status <> 'needs_reconsent'`, [emailAddress]),
    );
  }

  /** Connections of every tenant not tried for `intervalMs` (or asked for and not held), least recently tried first. */
  async due(intervalMs: number, limit: number): Promise<ConnectionKey[]> {
    return this.db.acrossTenants('mail_sync', (tx) =>
      tx.query<ConnectionKey>(
        `SELECT tenant_id, user_id FROM activity.gmail_connections
          WHERE status <> 'needs_reconsent' AND (lease_until IS NULL OR lease_until < now())
            AND (sync_requested OR last_attempt_at IS NULL OR last_attempt_at < now() - $1 * interval '1 millisecond')
          ORDER BY last_attempt_at NULLS FIRST LIMIT $2`,
        [intervalMs, limit],
      ),
    );
  }
}
