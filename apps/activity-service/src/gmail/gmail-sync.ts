import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { gmail_v1 } from '@googleapis/gmail';
import { Counter, Histogram, type Registry } from 'prom-client';
import { Events } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import type { Logger } from '@engage/logging';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { LOGGER, METRICS_REGISTRY, RecurringJob, SERVICE_CONFIG } from '@engage/service-runtime';
import type { ActivityConfig } from '../config';
import { TimelineWriter } from '../timeline/timeline-writer';
import { ContactMatcher } from './contact-matcher';
import { GmailCredentials } from './gmail-credentials';
import { GmailSettingsRepository } from './gmail-settings.repository';
import { type EffectiveGmailSettings, GmailSettingsService } from './gmail-settings.service';
import { type GmailConnectionRow, GmailConnectionsRepository } from './gmail-connections.repository';
import { emailActivityKey, emailEntry, isExchanged, type MailboxMessage, mailboxMessageOf, messageKey, messageTextOf, participantsOf, SYNC_HEADERS } from './gmail-message';
import { classifyGoogleError, describeGoogleError, GoogleMail } from './google-mail';

/** One sync holds its mailbox this long, extended at every step; a replica that dies frees it after. */
const LEASE_MS = 120_000;
/** Messages fetched, matched and written per transaction. */
const STEP_SIZE = 100;
/** Gmail's largest page of messages.list / history.list. */
const PAGE_SIZE = 500;
/** The watch is renewed when it has less than this left (Gmail's lasts 7 days). */
const WATCH_RENEW_BEFORE_MS = 24 * 3600_000;
/** Connections the poll looks at per round. */
const POLL_BATCH = 200;

/** The connection was removed or replaced while a sync held it: that sync stops without writing. */
class ConnectionGone extends Error {}

/** Runs `work` over `items`, at most `limit` at a time; results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Keeps each connected mailbox's mail on the timeline: a first sync of the last N days, then the
 * mailbox's history from the id the first sync started at. A push (`POST /webhooks/gmail`), a new
 * connection and the safety-net poll all ask for a sync the same way ({@link request}): a flag on
 * the connection, then a run here. One sync per mailbox at a time (a lease in the database, so
 * across replicas too), and a request that arrives during a sync makes it run again: no push is
 * lost. Every message is written once per contact it involves, keyed by its RFC Message-ID (see
 * {@link emailActivityKey}), so overlapping syncs, a resync after Gmail dropped its history, a
 * restart in the middle, or the same thread in three reps' mailboxes never double an activity.
 */
@Injectable()
export class GmailSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly job: RecurringJob;
  private stopped = false;
  private readonly imported: Counter;
  private readonly failures: Counter;
  private readonly delay: Histogram;
  private readonly duration: Histogram;

  constructor(
    private readonly db: TenantDatabase,
    private readonly connections: GmailConnectionsRepository,
    private readonly google: GoogleMail,
    private readonly credentials: GmailCredentials,
    private readonly contacts: ContactMatcher,
    private readonly timeline: TimelineWriter,
    private readonly settings: GmailSettingsService,
    private readonly bodies: GmailSettingsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) private readonly config: ActivityConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    scheduler: SchedulerRegistry,
  ) {
    this.job = new RecurringJob(scheduler, 'gmail-sync-poll', logger);
    this.imported = new Counter({ name: 'engage_gmail_messages_imported_total', help: 'Gmail messages put on a timeline (first time seen in the tenant)', registers: [registry] });
    this.failures = new Counter({ name: 'engage_gmail_sync_errors_total', help: 'Failed Gmail syncs, by kind (reconsent, history_expired, transient)', labelNames: ['kind'], registers: [registry] });
    this.delay = new Histogram({
      name: 'engage_gmail_sync_lag_seconds',
      help: 'From Gmail receiving a message to its activity being written (incremental syncs)',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers: [registry],
    });
    this.duration = new Histogram({ name: 'engage_gmail_sync_duration_seconds', help: 'One sync of one mailbox', buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300], registers: [registry] });
  }

  onApplicationBootstrap(): void {
    if (this.google.configured) this.job.start(this.config.GMAIL_POLL_INTERVAL_MS, () => this.poll());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.job.stop();
    await this.idle();
  }

  /** Resolves when no sync runs on this replica (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Asks for a sync of the connection and starts it here (not awaited); false when it is not syncable. */
  async request(tenantId: string, userId: string): Promise<boolean> {
    if (!(await this.connections.requestSync(tenantId, userId))) return false;
    void this.run(tenantId, userId);
    return true;
  }

  /** Syncs the connection now unless a sync holds it (which will run again), and resolves when this replica is done with it. */
  run(tenantId: string, userId: string): Promise<void> {
    const key = `${tenantId}:${userId}`;
    const inFlight = this.running.get(key);
    if (inFlight) {
      this.again.add(key);
      return inFlight;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(key);
          while (!this.stopped && (await this.syncOnce(tenantId, userId)));
        } while (this.again.has(key) && !this.stopped);
      } catch (error) {
        this.logger.error({ err: error, tenant_id: tenantId, user_id: userId }, 'gmail sync: could not run');
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, run);
    return run;
  }

  /** The safety net: every connection not synced for a poll interval (or asked for and left), a few at a time. */
  async poll(): Promise<void> {
    if (this.stopped) return;
    const due = await this.connections.due(this.config.GMAIL_POLL_INTERVAL_MS, POLL_BATCH);
    await mapLimit(due, this.config.GMAIL_SYNC_CONCURRENCY, (c) => this.run(c.tenant_id, c.user_id));
  }

  /** One claimed sync; whether another was asked for meanwhile. */
  private async syncOnce(tenantId: string, userId: string): Promise<boolean> {
    const connection = await this.connections.claim(tenantId, userId, LEASE_MS);
    if (!connection) return false;
    const ended = this.duration.startTimer();
    try {
      await this.sync(connection);
      await this.connections.succeeded(tenantId, userId, connection.email_address);
    } catch (error) {
      if (!(error instanceof ConnectionGone)) await this.failed(connection, error);
    } finally {
      ended();
    }
    return this.connections.release(tenantId, userId);
  }

  private async sync(c: GmailConnectionRow): Promise<void> {
    const mail = this.google.mailbox(`${c.tenant_id}:${c.user_id}`, this.credentials.open(c.tenant_id, c.refresh_token_sealed));
    const settings = await this.settings.effective(c.tenant_id);
    if (!c.initial_sync_done || !c.history_id) {
      await this.fullSync(c, mail, settings, false);
    } else {
      try {
        await this.incremental(c, mail, settings, c.history_id);
      } catch (error) {
        if (classifyGoogleError(error) !== 'not_found') throw error;
        // Gmail no longer has history that old (it keeps about a week): read the last N days again.
        this.failures.inc({ kind: 'history_expired' });
        this.logger.warn({ tenant_id: c.tenant_id, user_id: c.user_id }, 'gmail sync: history expired, resyncing the last days');
        await this.fullSync({ ...c, full_sync_history_id: null, full_sync_page_token: null }, mail, settings, true);
      }
    }
    await this.renewWatch(c, mail);
    if (settings.bodyRetentionDays) await this.bodies.deleteBodiesOlderThan(c.tenant_id, settings.bodyRetentionDays);
  }

  /**
   * The last N days, page by page (newest first), each page committed with where the next one
   * starts, so a sync that stops resumes instead of starting over. The mailbox's history id is
   * taken before the first page: mail that arrives during the listing is read from the history
   * afterwards (and a message met both ways is written once).
   */
  private async fullSync(c: GmailConnectionRow, mail: gmail_v1.Gmail, settings: EffectiveGmailSettings, resync: boolean): Promise<void> {
    let pageToken = c.full_sync_page_token;
    if (!c.full_sync_history_id) {
      const profile = await mail.users.getProfile({ userId: 'me' });
      if (!profile.data.historyId) throw new Error('Gmail answered a profile without a history id');
      await this.connections.beginFullSync(c.tenant_id, c.user_id, c.email_address, profile.data.historyId, resync);
      pageToken = null;
    }
    do {
      const page = await mail.users.messages.list({
        userId: 'me',
        q: `newer_than:${settings.initialSyncDays}d`,
        maxResults: PAGE_SIZE,
        ...(pageToken ? { pageToken } : {}),
      });
      const ids = (page.data.messages ?? []).map((m) => m.id).filter((id): id is string => !!id);
      pageToken = page.data.nextPageToken ?? null;
      await this.importMessages(c, mail, settings, ids, { fullSyncPageToken: pageToken });
    } while (pageToken && !this.stopped);
    if (!pageToken) await this.connections.finishFullSync(c.tenant_id, c.user_id, c.email_address);
  }

  /** What was added to the mailbox since `startHistoryId`; the history id advances only once all of it is written. */
  private async incremental(c: GmailConnectionRow, mail: gmail_v1.Gmail, settings: EffectiveGmailSettings, startHistoryId: string): Promise<void> {
    const ids = new Set<string>();
    let latest = startHistoryId;
    let pageToken: string | null = null;
    do {
      const page: { data: gmail_v1.Schema$ListHistoryResponse } = await mail.users.history.list({
        userId: 'me',
        startHistoryId,
        historyTypes: ['messageAdded'],
        maxResults: PAGE_SIZE,
        ...(pageToken ? { pageToken } : {}),
      });
      for (const record of page.data.history ?? []) for (const added of record.messagesAdded ?? []) if (added.message?.id) ids.add(added.message.id);
      if (page.data.historyId) latest = page.data.historyId;
      pageToken = page.data.nextPageToken ?? null;
    } while (pageToken);
    await this.importMessages(c, mail, settings, [...ids], { historyId: latest, live: true });
  }

  /**
   * Fetches the messages (headers only), matches their participants to contacts and writes one
   * `email` activity per message and contact, a step of {@link STEP_SIZE} per transaction (two statements). The last
   * step also records where the sync stands (the first sync's next page, or the history id).
   */
  private async importMessages(
    c: GmailConnectionRow,
    mail: gmail_v1.Gmail,
    settings: EffectiveGmailSettings,
    ids: readonly string[],
    at: { fullSyncPageToken?: string | null; historyId?: string; live?: boolean },
  ): Promise<void> {
    const ctx = systemContext({ tenantId: c.tenant_id, userId: c.user_id }) as TenantContext;
    const steps = Math.max(1, Math.ceil(ids.length / STEP_SIZE));
    const chunkOf = (step: number) => ids.slice(step * STEP_SIZE, (step + 1) * STEP_SIZE);
    // The next step's messages are fetched while this step's are written.
    const fetchStep = (step: number) => {
      const fetching = mapLimit(chunkOf(step), this.config.GMAIL_FETCH_CONCURRENCY, (id) => this.fetch(mail, id, settings.storeBodies));
      fetching.catch(() => undefined);
      return fetching;
    };
    let next = fetchStep(0);
    for (let step = 0; step < steps; step++) {
      if (this.stopped) throw new ConnectionGone('shutting down');
      const last = step === steps - 1;
      const chunk = chunkOf(step);
      const fetched = await next;
      if (!last) next = fetchStep(step + 1);
      const messages = fetched.filter((m): m is MailboxMessage => m !== null && isExchanged(m));
      const participants = [...new Set(messages.flatMap((m) => participantsOf(m, c.email_address)))];
      const contactsOf = participants.length > 0 ? await this.contacts.match(c.tenant_id, participants) : new Map<string, string[]>();
      const written = await this.db.transaction(c.tenant_id, async (tx) => {
        const current = await this.connections.progress(tx, c.tenant_id, c.user_id, c.email_address, {
          seen: chunk.length,
          imported: 0,
          leaseMs: LEASE_MS,
          ...(last && at.fullSyncPageToken !== undefined ? { fullSyncPageToken: at.fullSyncPageToken } : {}),
        });
        if (!current) throw new ConnectionGone('the connection was removed during the sync');
        const entries = messages.flatMap((message) => {
          const key = messageKey(message, c.email_address);
          const contactIds = [...new Set(participantsOf(message, c.email_address).flatMap((a) => contactsOf.get(a) ?? []))];
          return contactIds.map((contactId) => ({ sourceId: emailActivityKey(key, contactId), entry: emailEntry(message, c.email_address, contactId, c.user_id), message }));
        });
        const activities = await this.timeline.writeMany(tx, ctx, entries);
        const writtenKeys = new Set(activities.map((a) => a.source_event_id));
        if (settings.storeBodies) {
          const bySource = new Map(entries.map((e) => [e.sourceId, e.message]));
          const bodies = activities.flatMap((a) => {
            const text = bySource.get(String(a.source_event_id))?.text;
            return text ? [{ activity_id: a.id, body_sealed: this.credentials.sealBody(c.tenant_id, JSON.stringify(text)), chars: text.text.length }] : [];
          });
          await this.bodies.insertBodies(tx, c.tenant_id, bodies);
        }
        const newMessages = [...new Set(entries.filter((e) => writtenKeys.has(e.sourceId)).map((e) => e.message))];
        if (newMessages.length > 0) await this.connections.progress(tx, c.tenant_id, c.user_id, c.email_address, { seen: 0, imported: newMessages.length, leaseMs: LEASE_MS });
        if (last && at.historyId) await this.connections.advanceHistory(tx, c.tenant_id, c.user_id, c.email_address, at.historyId);
        return newMessages;
      });
      this.imported.inc(written.length);
      if (at.live) for (const m of written) this.delay.observe(Math.max(0, (Date.now() - Date.parse(m.occurredAt)) / 1000));
    }
  }

  /**
   * One message's headers (and its text, in `full` format, when the tenant stores bodies); null when
   * it is gone (deleted between the listing and now) or unusable.
   */
  private async fetch(mail: gmail_v1.Gmail, id: string, withText: boolean): Promise<MailboxMessage | null> {
    try {
      if (withText) {
        const res = await mail.users.messages.get({ userId: 'me', id, format: 'full' });
        const message = mailboxMessageOf(res.data);
        return message && { ...message, text: messageTextOf(res.data) };
      }
      const res = await mail.users.messages.get({ userId: 'me', id, format: 'metadata', metadataHeaders: SYNC_HEADERS });
      return mailboxMessageOf(res.data);
    } catch (error) {
      if (classifyGoogleError(error) === 'not_found') return null;
      throw error;
    }
  }

  /** Pushes need a watch, which Gmail ends after 7 days: renewed by the sync a day before. A failure leaves the poll to do the work. */
  private async renewWatch(c: GmailConnectionRow, mail: gmail_v1.Gmail): Promise<void> {
    const expires = c.watch_expires_at ? Date.parse(c.watch_expires_at) : 0;
    if (expires - Date.now() > WATCH_RENEW_BEFORE_MS) return;
    try {
      const res = await mail.users.watch({ userId: 'me', requestBody: { topicName: this.config.GMAIL_PUSH_TOPIC } });
      const expiration = Number(res.data.expiration);
      await this.connections.watched(c.tenant_id, c.user_id, c.email_address, Number.isFinite(expiration) ? new Date(expiration).toISOString() : null);
    } catch (error) {
      if (classifyGoogleError(error) === 'reconsent') throw error;
      this.logger.warn({ tenant_id: c.tenant_id, user_id: c.user_id, error: describeGoogleError(error) }, 'gmail sync: users.watch failed; the poll keeps the mailbox in sync');
    }
  }

  /**
   * Records the failure on the connection. Google refusing the grant stops the sync until the user
   * connects again, and tells them once (`evt.activity.gmail.connection_changed` → a notification);
   * anything else is retried by the next push or poll.
   */
  private async failed(c: GmailConnectionRow, error: unknown): Promise<void> {
    const kind = classifyGoogleError(error);
    const reconsent = kind === 'reconsent';
    const described = describeGoogleError(error);
    this.failures.inc({ kind: reconsent ? 'reconsent' : 'transient' });
    this.logger.warn({ tenant_id: c.tenant_id, user_id: c.user_id, error: described }, reconsent ? 'gmail sync: Google refused the grant; the user must connect again' : 'gmail sync failed; retried later');
    const ctx = systemContext({ tenantId: c.tenant_id, userId: c.user_id }) as TenantContext;
    await this.db.transaction(c.tenant_id, async (tx) => {
      const nowNeedsConsent = await this.connections.failed(tx, c.tenant_id, c.user_id, c.email_address, described, reconsent);
      if (!nowNeedsConsent) return;
      await this.outbox.append(tx, ctx, [
        outboxEvent(Events.activity.gmailConnectionChanged, {
          aggregateId: c.user_id,
          version: Date.now(),
          payload: { user_id: c.user_id, email_address: c.email_address, change: 'needs_reconsent', reason: reconsent ? 'invalid_grant' : null },
        }),
      ]);
    });
  }
}
