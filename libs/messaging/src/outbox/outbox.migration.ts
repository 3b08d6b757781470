import { enableTenantRls } from '@engage/database';

/**
 * Row-level security and the wake-up trigger for the messaging tables (the tables themselves
 * come from the generated migration). Business transactions see and write only their tenant's
 * rows. The relay works across tenants, so separate policies let a transaction that declared
 * itself the relay (`app.outbox_relay = on`) read, mark and purge outbox rows; no policy lets it
 * insert one, so an event always belongs to the tenant whose transaction wrote it.
 */
export function messagingRlsSql(schema: string): string[] {
  return [
    ...enableTenantRls(`${schema}.outbox`),
    // The relay (any tenant) may read, mark and purge rows, never insert them.
    ...(['SELECT', 'UPDATE', 'DELETE'] as const).map(
      (command) =>
        `CREATE POLICY outbox_relay_${command.toLowerCase()} ON ${schema}.outbox FOR ${command}
           USING (current_setting('app.outbox_relay', true) = 'on')${command === 'UPDATE' ? ` WITH CHECK (current_setting('app.outbox_relay', true) = 'on')` : ''}`,
    ),
    ...enableTenantRls(`${schema}.inbox`),
    ...enableTenantRls(`${schema}.applied_versions`),
    `CREATE FUNCTION ${schema}.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN PERFORM pg_notify('${schema}_outbox', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ${schema}.outbox
       FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.notify_outbox()`,
  ];
}

export function dropMessagingRlsSql(schema: string): string[] {
  return [
    `DROP TRIGGER IF EXISTS outbox_notify ON ${schema}.outbox`,
    `DROP FUNCTION IF EXISTS ${schema}.notify_outbox()`,
    ...['select', 'update', 'delete'].map((c) => `DROP POLICY IF EXISTS outbox_relay_${c} ON ${schema}.outbox`),
    ...['outbox', 'inbox', 'applied_versions'].flatMap((t) => [
      `DROP POLICY IF EXISTS tenant_isolation ON ${schema}.${t}`,
      `ALTER TABLE ${schema}.${t} NO FORCE ROW LEVEL SECURITY`,
      `ALTER TABLE ${schema}.${t} DISABLE ROW LEVEL SECURITY`,
    ]),
  ];
}

/** Policies of the retention job: it may read and delete inbox and applied-versions rows of every tenant. */
export function messagingRetentionSql(schema: string): string[] {
  return ['inbox', 'applied_versions'].flatMap((table) =>
    (['SELECT', 'DELETE'] as const).map(
      (command) =>
        `CREATE POLICY retention_${command.toLowerCase()} ON ${schema}.${table} FOR ${command}
           USING (current_setting('app.messaging_retention', true) = 'on')`,
    ),
  );
}

export function dropMessagingRetentionSql(schema: string): string[] {
  return ['inbox', 'applied_versions'].flatMap((table) => ['select', 'delete'].map((c) => `DROP POLICY IF EXISTS retention_${c} ON ${schema}.${table}`));
}
