/**
 * Row-level security for a tenant table: ENABLE + FORCE (so even the owner is filtered) and one
 * policy with both USING and WITH CHECK. `current_setting(..., true)` yields NULL or '' when no
 * tenant is bound, which matches no row.
 */
export const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

export function enableTenantRls(table: string, policy = 'tenant_isolation'): string[] {
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY ${policy} ON ${table} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`,
  ];
}

export function disableTenantRls(table: string, policy = 'tenant_isolation'): string[] {
  return [
    `DROP POLICY IF EXISTS ${policy} ON ${table}`,
    `ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`,
  ];
}
