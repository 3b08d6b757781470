// @ts-check
// The baselines of crm-read.mjs: bare Fastify + a pg pool reading one contact by id with one query
// (no auth, no NATS, no RLS, no validation, no logging).
//
//   node tools/bench/crm-read-baseline.mjs <port> <database url> [prepared|unprepared]
//
// prepared (the strongest baseline, and the default): a named statement, planned once per pooled
// connection, as the gateway path's crm-service read is (ADR 0016). unprepared: `pool.query` with
// parameters, which PostgreSQL parses and plans on every call.
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.argv[2] ?? 3998);
const mode = process.argv[4] ?? 'prepared';
if (mode !== 'prepared' && mode !== 'unprepared') throw new Error(`mode must be prepared or unprepared, not ${mode}`);
const pool = new pg.Pool({ connectionString: process.argv[3], max: 50 });
const text = `SELECT id, first_name, last_name, emails, phones, company_id, title, owner_id, lifecycle_stage, lead_score, tags, source, timezone,
                     custom_fields, notes, last_contacted_at, created_at, updated_at, deleted_at, version
                FROM crm.contacts WHERE tenant_id = $1 AND id = $2`;
const app = Fastify({ logger: false });
app.get('/contacts/:tenantId/:id', async (req) => {
  const { tenantId, id } = /** @type {{ tenantId: string, id: string }} */ (req.params);
  const query = mode === 'prepared' ? { name: 'bench-contact-by-id', text, values: [tenantId, id] } : { text, values: [tenantId, id] };
  const { rows } = await pool.query(query);
  return rows[0] ?? null;
});
await app.listen({ port, host: '127.0.0.1' });
process.send?.('ready');
