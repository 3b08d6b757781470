import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropMessagingRlsSql, messagingRetentionSql, dropMessagingRetentionSql, messagingRlsSql } from './outbox.migration';

type MigrationClass = new () => MigrationInterface;

/** A migration class whose name TypeORM records (`<Name><timestamp>`), from its up and down SQL. */
function migration(name: string, up: string[], down: string[]): MigrationClass {
  return class implements MigrationInterface {
    name = name;
    async up(queryRunner: QueryRunner): Promise<void> {
      for (const sql of up) await queryRunner.query(sql);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      for (const sql of down) await queryRunner.query(sql);
    }
  };
}

/**
 * The outbox, inbox and applied-versions tables every service uses for its events, with RLS.
 * Each service lists `messagingTablesMigration('<schema>', <timestamp>)` first in its migrations.
 */
export const messagingTablesMigration = (schema: string, timestamp: number): MigrationClass =>
  migration(
    `Messaging${timestamp}`,
    [
      `CREATE TABLE "outbox" ("seq" BIGSERIAL NOT NULL, "id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "subject" text NOT NULL, "envelope" jsonb NOT NULL, "traceparent" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_340ab539f309f03bdaa14aa7649" UNIQUE ("id"), CONSTRAINT "PK_acf0725c6a7245b71c651964ee4" PRIMARY KEY ("seq"))`,
      `CREATE INDEX "${schema}_outbox_unpublished_idx" ON "outbox" ("published_at", "seq") `,
      `CREATE TABLE "inbox" ("tenant_id" uuid NOT NULL, "consumer" text NOT NULL, "event_id" uuid NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_351b24a5f365b0c963b9371f6e8" PRIMARY KEY ("tenant_id", "consumer", "event_id"))`,
      `CREATE TABLE "applied_versions" ("tenant_id" uuid NOT NULL, "consumer" text NOT NULL, "aggregate_type" text NOT NULL, "aggregate_id" uuid NOT NULL, "version" integer NOT NULL, CONSTRAINT "PK_97184fece781ee752ec688116ed" PRIMARY KEY ("tenant_id", "consumer", "aggregate_type", "aggregate_id"))`,
      ...messagingRlsSql(schema),
    ],
    [
      ...dropMessagingRlsSql(schema),
      `DROP TABLE "applied_versions"`,
      `DROP TABLE "inbox"`,
      `DROP INDEX "${schema}"."${schema}_outbox_unpublished_idx"`,
      `DROP TABLE "outbox"`,
    ],
  );

/**
 * Retention of the consumers' bookkeeping: `applied_versions` records when it was last written,
 * and the retention job (crossing tenants for `messaging_retention` only) may read and delete
 * inbox and applied-versions rows, nothing else.
 */
export const messagingRetentionMigration = (schema: string, timestamp: number): MigrationClass =>
  migration(
    `MessagingRetention${timestamp}`,
    [
      `ALTER TABLE "${schema}"."applied_versions" ADD "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
      `CREATE INDEX "${schema}_inbox_processed_idx" ON "${schema}"."inbox" ("processed_at") `,
      `CREATE INDEX "${schema}_applied_versions_applied_idx" ON "${schema}"."applied_versions" ("applied_at") `,
      ...messagingRetentionSql(schema),
    ],
    [
      ...dropMessagingRetentionSql(schema),
      `DROP INDEX "${schema}"."${schema}_applied_versions_applied_idx"`,
      `DROP INDEX "${schema}"."${schema}_inbox_processed_idx"`,
      `ALTER TABLE "${schema}"."applied_versions" DROP COLUMN "applied_at"`,
    ],
  );
