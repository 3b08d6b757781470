import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private NATS server with JetStream: one per test run (so tests never share subjects or
 * streams with a development stack on the same machine) or one per test that needs to stop and
 * restart NATS. It is the real nats-server binary, not an imitation.
 */
export function natsServerBinary(): string {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin']);
  for (const dir of dirs) {
    const candidate = join(dir, 'nats-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('nats-server not found: run `npm run infra` (it installs it) or install the nats-server package');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A NATS user of a server started with authentication, and the subjects it may use. */
export interface NatsServerUser {
  user: string;
  password: string;
  permissions: { publish: readonly string[]; subscribe: readonly string[]; allowResponses: boolean };
}

export interface NatsServerOptions {
  /** Authentication on: only these users may connect, each limited to its subjects. */
  users?: NatsServerUser[];
  /** TLS on (clients must use it): the server's certificate and key, PEM files. */
  tls?: { certFile: string; keyFile: string };
}

/** An authorization block of nats-server's configuration file (strings as JSON, which it reads). */
function authorizationConfig(users: NatsServerUser[]): string {
  const list = (subjects: readonly string[]) => `[${subjects.map((s) => JSON.stringify(s)).join(', ')}]`;
  const entries = users.map(
    (u) =>
      `    { user: ${JSON.stringify(u.user)}, password: ${JSON.stringify(u.password)}, permissions: { ` +
      `publish: { allow: ${list(u.permissions.publish)} }, subscribe: { allow: ${list(u.permissions.subscribe)} }` +
      `${u.permissions.allowResponses ? ', allow_responses: true' : ''} } }`,
  );
  return `authorization {\n  users = [\n${entries.join('\n')}\n  ]\n}\n`;
}

export class NatsServerProcess {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly options: NatsServerOptions,
  ) {}

  static async start(options: NatsServerOptions = {}): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(await freePort(), mkdtempSync(join(tmpdir(), 'engage-nats-')), options);
    await server.resume();
    return server;
  }

  get url(): string {
    return `${this.options.tls ? 'tls' : 'nats'}://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port with the same store: JetStream keeps its streams. */
  async resume(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    if (this.options.users) {
      const file = join(this.storeDir, 'authorization.conf');
      writeFileSync(file, authorizationConfig(this.options.users), { mode: 0o600 });
      args.push('-c', file);
    }
    if (this.options.tls) args.push('--tls', '--tlscert', this.options.tls.certFile, '--tlskey', this.options.tls.keyFile);
    const child = spawn(natsServerBinary(), args, { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
      if (await portOpen(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new Error(`nats-server did not start on port ${this.port}`);
  }

  /**
   * Stops the server as an operator or an orchestrator would (SIGTERM: clients are cut off,
   * JetStream flushes to disk). A single node killed with SIGKILL can lose its last
   * acknowledged writes; production runs JetStream replicated (see docs/adr/0004).
   */
  async halt(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
    this.child = null;
  }

  async stop(): Promise<void> {
    await this.halt('SIGKILL');
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
