// The baseline of crm-read.mjs: bare Fastify + a pg pool reading one contact by id with one query
// (no auth, no NATS, no RLS, no validation, no logging).
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.argv[2] ?? 3998);
const pool = new pg.Pool({ connectionString: process.argv[3], max: 50 });
const app = Fastify({ logger: false });
app.get('/contacts/:tenantId/:id', async (req) => {
  const { rows } = await pool.query(
    `SELECT id, first_name, last_name, emails, phones, company_id, title, owner_id, lifecycle_stage, lead_score, tags, source, timezone,
            custom_fields, notes, last_contacted_at, created_at, updated_at, deleted_at, version
       FROM crm.contacts WHERE tenant_id = $1 AND id = $2`,
    [req.params.tenantId, req.params.id],
  );
  return rows[0] ?? null;
});
await app.listen({ port, host: '127.0.0.1' });
process.send?.('ready');
