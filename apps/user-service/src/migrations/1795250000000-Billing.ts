import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing state on tenants and the processed Stripe events (issue 21). Module names move to the
 * plan table's vocabulary (`email` → `email_sync`; `notifications` and `billing` are not plan
 * modules and are always on), and every existing tenant starts the same 14-day pro trial a new
 * tenant gets, so nobody loses a module the day plans start to count.
 */
export class Billing1795250000000 implements MigrationInterface {
  name = 'Billing1795250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE identity.tenants
      ADD COLUMN "billing_status" text NOT NULL DEFAULT 'trialing',
      ADD COLUMN "trial_ends_at" TIMESTAMP WITH TIME ZONE,
      ADD COLUMN "seats_paid" integer,
      ADD COLUMN "stripe_customer_id" text,
      ADD COLUMN "stripe_subscription_id" text,
      ADD COLUMN "current_period_end" TIMESTAMP WITH TIME ZONE,
      ADD COLUMN "cancel_at_period_end" boolean NOT NULL DEFAULT false,
      ADD COLUMN "past_due_since" TIMESTAMP WITH TIME ZONE,
      ADD COLUMN "read_only_from" TIMESTAMP WITH TIME ZONE,
      ADD COLUMN "billing_synced_at" bigint`);
    await queryRunner.query(`CREATE TABLE identity.stripe_events ("event_id" text NOT NULL, "type" text NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_stripe_events" PRIMARY KEY ("event_id"))`);
    await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON identity.stripe_events FROM identity_app`);
    // Crosses tenants on purpose: row-level security is lifted for this transaction only.
    await queryRunner.query(`ALTER TABLE identity.tenants NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`UPDATE identity.tenants SET
        plan = 'pro',
        trial_ends_at = now() + interval '14 days',
        enabled_modules = ARRAY(SELECT DISTINCT CASE m WHEN 'email' THEN 'email_sync' ELSE m END
                                  FROM unnest(enabled_modules) AS m
                                 WHERE m IN ('crm', 'telephony', 'email', 'email_sync', 'webhooks', 'api_keys')
                                 UNION SELECT 'crm' UNION SELECT 'webhooks' UNION SELECT 'api_keys')`);
    await queryRunner.query(`ALTER TABLE identity.tenants FORCE ROW LEVEL SECURITY`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Module names back to the old vocabulary; plans stay as they are (the old code ignored them).
    await queryRunner.query(`ALTER TABLE identity.tenants NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`UPDATE identity.tenants SET enabled_modules = array_replace(enabled_modules, 'email_sync', 'email')`);
    await queryRunner.query(`ALTER TABLE identity.tenants FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`DROP TABLE identity.stripe_events`);
    await queryRunner.query(`ALTER TABLE identity.tenants
      DROP COLUMN "billing_status", DROP COLUMN "trial_ends_at", DROP COLUMN "seats_paid", DROP COLUMN "stripe_customer_id",
      DROP COLUMN "stripe_subscription_id", DROP COLUMN "current_period_end", DROP COLUMN "cancel_at_period_end",
      DROP COLUMN "past_due_since", DROP COLUMN "read_only_from", DROP COLUMN "billing_synced_at"`);
  }
}
