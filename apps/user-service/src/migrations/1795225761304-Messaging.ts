import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropMessagingRlsSql, messagingRlsSql } from '@engage/messaging';

/** The outbox, inbox and applied-versions tables every service uses for its events, with RLS. */

export class Messaging1795225761304 implements MigrationInterface {
  name = 'Messaging1795225761304';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "outbox" ("seq" BIGSERIAL NOT NULL, "id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "subject" text NOT NULL, "envelope" jsonb NOT NULL, "traceparent" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_340ab539f309f03bdaa14aa7649" UNIQUE ("id"), CONSTRAINT "PK_acf0725c6a7245b71c651964ee4" PRIMARY KEY ("seq"))`);
    await queryRunner.query(`CREATE INDEX "identity_outbox_unpublished_idx" ON "outbox" ("published_at", "seq") `);
    await queryRunner.query(`CREATE TABLE "inbox" ("tenant_id" uuid NOT NULL, "consumer" text NOT NULL, "event_id" uuid NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_351b24a5f365b0c963b9371f6e8" PRIMARY KEY ("tenant_id", "consumer", "event_id"))`);
    await queryRunner.query(`CREATE TABLE "applied_versions" ("tenant_id" uuid NOT NULL, "consumer" text NOT NULL, "aggregate_type" text NOT NULL, "aggregate_id" uuid NOT NULL, "version" integer NOT NULL, CONSTRAINT "PK_97184fece781ee752ec688116ed" PRIMARY KEY ("tenant_id", "consumer", "aggregate_type", "aggregate_id"))`);
    for (const sql of messagingRlsSql('identity')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of dropMessagingRlsSql('identity')) await queryRunner.query(sql);
    await queryRunner.query(`DROP TABLE "applied_versions"`);
    await queryRunner.query(`DROP TABLE "inbox"`);
    await queryRunner.query(`DROP INDEX "identity"."identity_outbox_unpublished_idx"`);
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
