// A private NATS server with JetStream for one test run, so tests never share subjects,
// streams or consumers with a development stack running on the same machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function natsServerBinary() {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin'])) {
    const candidate = join(dir, 'nats-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('nats-server not found: run `npm run infra` (it installs it) or install the nats-server package');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const portOpen = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Starts nats-server -js on `port` with its store in `storeDir`; resolves once it accepts connections. */
export async function startNatsServer({ port, storeDir }) {
  const child = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
    if (await portOpen(port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`nats-server did not start on port ${port}`);
}

/** A throwaway server: free port, temporary store, removed on stop. */
export async function startPrivateNats() {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'engage-nats-'));
  const child = await startNatsServer({ port, storeDir });
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
