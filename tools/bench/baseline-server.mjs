// @ts-check
// The baseline every benchmark is a ratio against: bare Fastify + a pg pool reading the same
// row by id, with nothing else (no auth, no NATS, no RLS, no validation, no logging).
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.argv[2] ?? 3999);
const url = process.argv[3] ?? 'postgres://postgres@127.0.0.1:5432/engage';
const pool = new pg.Pool({ connectionString: url, max: 50 });
const app = Fastify({ logger: false });
app.get('/users/:tenantId/:id', async (/** @type {import('fastify').FastifyRequest<{ Params: { tenantId: string, id: string } }>} */ req) => {
  const { rows } = await pool.query('SELECT id, email, full_name, role FROM identity.users WHERE tenant_id = $1 AND id = $2', [
    req.params.tenantId,
    req.params.id,
  ]);
  return rows[0] ?? null;
});
await app.listen({ port, host: '127.0.0.1' });
process.send?.('ready');
