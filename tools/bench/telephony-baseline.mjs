// @ts-check
// The baseline of the telephony benchmark: bare Fastify that does the least a Twilio status
// callback needs — check X-Twilio-Signature over the public URL with the auth token, and record
// the callback once with a prepared INSERT … ON CONFLICT DO NOTHING — with nothing else (no NATS,
// no RLS, no state machine, no outbox, no logging).
//   node tools/bench/telephony-baseline.mjs <port> <database-url> <auth-token> <public-base-url>
import Fastify from 'fastify';
import pg from 'pg';
import twilio from 'twilio';

const [port, url, authToken, publicBase] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 20 });
await pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS public.bench_twilio_callbacks (call_sid text, call_status text, sequence_number int, call_id uuid, PRIMARY KEY (call_sid, call_status, sequence_number))`);
const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
app.post('/webhooks/twilio/voice/status', async (req, reply) => {
  const params = /** @type {Record<string, string>} */ (req.body);
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || !twilio.validateRequest(authToken, signature, `${publicBase}${req.url}`, params)) return reply.code(403).send();
  const callId = new URL(req.url, 'http://x').searchParams.get('call');
  await pool.query({
    name: 'record_callback',
    text: 'INSERT INTO public.bench_twilio_callbacks VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    values: [params.CallSid, params.CallStatus, Number(params.SequenceNumber), callId],
  });
  return reply.code(204).send();
});
const stop = async () => {
  await pool.query('DROP TABLE IF EXISTS public.bench_twilio_callbacks').catch(() => undefined);
  await pool.end();
  process.exit(0);
};
process.on('SIGTERM', stop);
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.('ready');
