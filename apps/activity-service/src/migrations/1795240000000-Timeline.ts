import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

const TABLES = ['activity.activities', 'activity.retired_contacts'];

/**
 * The timeline. Tenant data, under row-level security:
 *
 * - `activities`: everything that happened with a contact, deal or company. People write notes,
 *   meetings and tasks (no `source_event_id`); calls, texts, emails and stage changes are recorded
 *   from other services' events, and `UNIQUE (tenant_id, source_event_id)` makes each event one
 *   activity however often it is delivered or replayed. Only tasks carry a due date, an assignee
 *   and a done flag. Timelines are read newest first per contact, deal or company (optionally of
 *   one type), so each of those has an index in that order.
 * - `retired_contacts`: contacts that no longer exist because they were merged into another
 *   (`survivor_id`) or erased (`survivor_id` null). An event about such a contact that arrives
 *   late (or is replayed) lands on the survivor's timeline, or nowhere for an erased contact,
 *   instead of bringing the contact's timeline back.
 */
export class Timeline1795240000000 implements MigrationInterface {
  name = 'Timeline1795240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE activity.activities (
      tenant_id uuid NOT NULL, id uuid NOT NULL,
      type text NOT NULL CHECK (type IN ('call', 'sms', 'email', 'note', 'meeting', 'task', 'deal_stage_changed', 'system')),
      contact_id uuid, deal_id uuid, company_id uuid, actor_id uuid,
      subject text CHECK (char_length(subject) <= 200),
      body text CHECK (char_length(body) <= 10000),
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      occurred_at timestamptz NOT NULL,
      source_event_id uuid,
      due_at timestamptz, assignee_id uuid, done boolean,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(), updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      version integer NOT NULL DEFAULT 1,
      PRIMARY KEY (tenant_id, id),
      CONSTRAINT activities_source_event_key UNIQUE (tenant_id, source_event_id),
      CONSTRAINT activities_manual_or_recorded CHECK ((type IN ('note', 'meeting', 'task')) = (source_event_id IS NULL)),
      CONSTRAINT activities_task_fields CHECK (type = 'task' OR (due_at IS NULL AND assignee_id IS NULL AND done IS NULL)),
      CONSTRAINT activities_task_done CHECK (type <> 'task' OR done IS NOT NULL))`);
    await q.query(`CREATE INDEX activities_feed_idx ON activity.activities (tenant_id, occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX activities_contact_idx ON activity.activities (tenant_id, contact_id, occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX activities_contact_type_idx ON activity.activities (tenant_id, contact_id, type, occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX activities_deal_idx ON activity.activities (tenant_id, deal_id, occurred_at DESC, id DESC) WHERE deal_id IS NOT NULL`);
    await q.query(`CREATE INDEX activities_company_idx ON activity.activities (tenant_id, company_id, occurred_at DESC, id DESC) WHERE company_id IS NOT NULL`);
    await q.query(`CREATE INDEX activities_type_idx ON activity.activities (tenant_id, type, occurred_at DESC, id DESC)`);

    await q.query(`CREATE TABLE activity.retired_contacts (
      tenant_id uuid NOT NULL, contact_id uuid NOT NULL, survivor_id uuid,
      retired_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, contact_id),
      CHECK (survivor_id IS DISTINCT FROM contact_id))`);
    // Re-pointing chains: the contacts that were merged into one that is now merged or erased itself.
    await q.query(`CREATE INDEX retired_contacts_survivor_idx ON activity.retired_contacts (tenant_id, survivor_id) WHERE survivor_id IS NOT NULL`);

    for (const table of TABLES) for (const sql of enableTenantRls(table)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) for (const sql of disableTenantRls(table)) await q.query(sql);
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}
