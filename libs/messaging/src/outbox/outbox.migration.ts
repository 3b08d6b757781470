import { CURRENT_TENANT, enableTenantRls } from '@engage/database';

/**
 * Row-level security and the wake-up trigger for the messaging tables (the tables themselves
 * come from the generated migration). The relay reads every tenant's outbox rows, so the outbox
 * policy also admits a transaction that declared itself the relay (`app.outbox_relay = on`);
 * inserts are always checked against the bound tenant.
 */
export function messagingRlsSql(schema: string): string[] {
  return [
    `ALTER TABLE ${schema}.outbox ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${schema}.outbox FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON ${schema}.outbox
       USING (tenant_id = ${CURRENT_TENANT} OR current_setting('app.outbox_relay', true) = 'on')
       WITH CHECK (tenant_id = ${CURRENT_TENANT})`,
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
    ...['outbox', 'inbox', 'applied_versions'].flatMap((t) => [
      `DROP POLICY IF EXISTS tenant_isolation ON ${schema}.${t}`,
      `ALTER TABLE ${schema}.${t} NO FORCE ROW LEVEL SECURITY`,
      `ALTER TABLE ${schema}.${t} DISABLE ROW LEVEL SECURITY`,
    ]),
  ];
}
