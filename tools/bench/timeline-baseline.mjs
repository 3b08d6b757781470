// @ts-check
// The baseline of the timeline benchmark: bare Fastify + pg reading a contact's first page of
// activities, newest first, with the same query activity-service runs, as a prepared statement,
// and nothing else (no auth, no NATS, no RLS, no validation, no logging).
//   node tools/bench/timeline-baseline.mjs <port> <database-url>
import Fastify from 'fastify';
import pg from 'pg';

const [port, url] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 20 });
const app = Fastify({ logger: false });
app.get('/activities/:tenantId/:contactId', async (/** @type {import('fastify').FastifyRequest<{ Params: { tenantId: string, contactId: string }, Querystring: { limit?: string } }>} */ req) => {
  const { rows } = await pool.query({
    name: 'timeline_first_page',
    text: `SELECT id, type, contact_id, deal_id, company_id, actor_id, subject, body, payload, occurred_at, source_event_id,
                  due_at, assignee_id, done, created_at, updated_at, version
             FROM activity.activities WHERE tenant_id = $1 AND contact_id = $2
            ORDER BY occurred_at DESC, id DESC LIMIT $3`,
    values: [req.params.tenantId, req.params.contactId, Number(req.query.limit ?? 50)],
  });
  return { data: rows };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.('ready');
