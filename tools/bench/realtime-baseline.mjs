// @ts-check
// The baseline of the realtime benchmark: a bare `ws` server that forwards every message of one
// core NATS subject to its connected clients, with nothing else (no JetStream, no database, no
// auth, no sequence numbers): the transport floor of event → client.
//   node tools/bench/realtime-baseline.mjs <port> <nats-url>
import { connect } from 'nats';
import { WebSocketServer } from 'ws';

const [port, natsUrl] = process.argv.slice(2);
const nc = await connect({ servers: natsUrl });
const wss = new WebSocketServer({ port: Number(port), host: '127.0.0.1' });
nc.subscribe('bench.realtime.baseline', {
  callback: (_err, msg) => {
    for (const client of wss.clients) client.send(msg.data);
  },
});
await nc.flush();
await new Promise((resolve) => (wss.address() ? resolve(undefined) : wss.once('listening', resolve)));
process.send?.('ready');
