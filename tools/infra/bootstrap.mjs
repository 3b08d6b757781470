// @ts-check
// Makes sure PostgreSQL, Redis and NATS (with JetStream) answer on the addresses the
// services will use. For each one: if something answers, prove it is the right server;
// otherwise start it from installed binaries; otherwise install it from the OS packages
// (apt-get) or run it with Docker Compose; otherwise fail naming exactly what is missing.
//
// Also home of `adminQuery`, the one way the tooling runs superuser SQL. It works both on
// a developer machine whose PostgreSQL trusts TCP and on a freshly installed Debian
// PostgreSQL, where TCP wants a password and only the local socket (peer auth) lets the
// `postgres` OS user in.
//
//   node tools/infra/bootstrap.mjs        (npm run infra)
//
// Node builtins plus `pg`, `nats` and `ioredis` only: this runs before anything is built.

import { spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connect as natsConnect } from 'nats';
// The named export, for the type checker: under module nodenext it types the default import as the
// whole module. At run time both are the same class.
import { Redis } from 'ioredis';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STATE_DIR = path.join(REPO_ROOT, '.engage');
const LOG_DIR = path.join(STATE_DIR, 'logs');
const COMPOSE_FILE = path.join(REPO_ROOT, 'docker', 'docker-compose.yml');

const READY_TIMEOUT_MS = 60_000;
// Shorter when the port was already open: a server that is merely busy answers well
// within this, and something that is not the expected server should not cost a minute.
const ALREADY_RUNNING_TIMEOUT_MS = 15_000;
// Package managers and distributions put daemons in sbin, which a non-login PATH often lacks.
const EXTRA_BIN_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/sbin', '/opt/homebrew/bin'];
const DEBIAN_PG_SOCKET_DIR = '/var/run/postgresql';

/**
 * @typedef {Error & { permanent?: boolean, code?: string }} InfraError
 *   `permanent`: retrying will not fix it; `code`: the SQLSTATE of a failed admin query.
 * @typedef {{ code: number, stdout: string, stderr: string, error?: Error }} RunResult
 * @typedef {[cmd: string, args: string[]]} Command A command and the arguments that go before its own.
 * @typedef {{ host: string, port: number }} Address
 * @typedef {(message: string) => void} Log
 * @typedef {{ how: string, logFile?: string, pidFile?: string, pid?: number, hint?: string, assertAlive?: () => void }} Started
 *   How a server was brought up; `hint` and `assertAlive` are for the wait and are not recorded.
 * @typedef {{ url: (db?: string) => string, socketDir?: undefined }} TcpRoute The pg client, with the URL for a database.
 * @typedef {{ socketDir: string, runner: Command }} SocketRoute psql as the postgres OS user over the local socket.
 * @typedef {TcpRoute | SocketRoute} AdminRoute
 * @typedef {{ label: string, target: () => Address, envHint: string, verify: () => Promise<void>,
 *   start: (address: Address, log: Log) => Promise<Started | null>, aptPackage: string, composeService: string,
 *   composePortEnv: string, installHint: string }} Service
 */

// ---------------------------------------------------------------------------------------
// Addresses, from the same environment variables the services read.

/** Host and port of the PostgreSQL server: PGHOST/PGPORT, else PGADMIN_URL, else 127.0.0.1:5432. */
export function pgTarget() {
  const admin = process.env.PGADMIN_URL ? new URL(process.env.PGADMIN_URL) : null;
  const host = process.env.PGHOST || (admin && stripBrackets(admin.hostname)) || '127.0.0.1';
  const port = Number(process.env.PGPORT || (admin && admin.port) || 5432);
  return { host, port };
}

/** Superuser URL for `db` (default: the maintenance database named in the admin URL). @param {string} [db] */
function adminUrl(db) {
  const { host, port } = pgTarget();
  const url = new URL(process.env.PGADMIN_URL || `postgres://postgres@${urlHost(host)}:${port}/postgres`);
  if (db) url.pathname = `/${encodeURIComponent(db)}`;
  return url.toString();
}

function redisTarget() {
  const url = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  return {
    host: stripBrackets(url.hostname) || '127.0.0.1',
    port: Number(url.port || 6379),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    tls: url.protocol === 'rediss:',
  };
}

function natsTarget() {
  // NATS_URL may list several servers (a cluster); any of them will do for the check,
  // and only the first is a candidate for starting locally.
  const servers = (process.env.NATS_URL || 'nats://127.0.0.1:4222')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const first = new URL(servers[0].includes('://') ? servers[0] : `nats://${servers[0]}`);
  return { servers, host: stripBrackets(first.hostname) || '127.0.0.1', port: Number(first.port || 4222) };
}

/** @param {string} host */
export function urlHost(host) {
  return host.includes(':') ? `[${host}]` : host;
}

/** @param {string} host */
function stripBrackets(host) {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** @param {string} host */
function isLocalHost(host) {
  return ['127.0.0.1', 'localhost', '::1', '0.0.0.0'].includes(host);
}

// ---------------------------------------------------------------------------------------
// Small process and filesystem helpers.

/** An error that retrying will not fix (wrong server, JetStream off, bad credentials). @param {string} message */
function permanentError(message) {
  const err = /** @type {InfraError} */ (new Error(message));
  err.permanent = true;
  return err;
}

/**
 * Runs a command to completion. Output goes to pipes, or appended to `logFile` for
 * commands that start daemons: a daemon that inherits our pipe would keep it open and we
 * would wait forever for 'close'.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ input?: string, timeoutMs?: number, env?: NodeJS.ProcessEnv, logFile?: string, cwd?: string }} [options]
 * @returns {Promise<RunResult>}
 */
function run(cmd, args, { input, timeoutMs, env, logFile, cwd } = {}) {
  return new Promise((resolve) => {
    /** @type {number | undefined} */
    let logFd;
    if (logFile) {
      mkdirSync(path.dirname(logFile), { recursive: true });
      logFd = openSync(logFile, 'a');
    }
    const child = spawn(cmd, args, {
      env: env ?? process.env,
      cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', logFd ?? 'pipe', logFd ?? 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : null;
    /** @param {number} code @param {Error} [error] */
    const finish = (code, error) => {
      if (timer) clearTimeout(timer);
      if (logFd !== undefined) closeSync(logFd);
      if (logFile) stderr = tailOf(logFile);
      resolve({ code, stdout, stderr, error });
    };
    child.on('error', (error) => finish(-1, error));
    child.on('close', (code) => finish(code ?? -1));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** @param {string} file @param {number} [lines] */
function tailOf(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** @param {string} label @param {RunResult} result */
function describeFailure(label, result) {
  const detail = (result.error?.message || result.stderr || result.stdout || '').trim();
  return `${label} failed (exit ${result.code})${detail ? `:\n${detail}` : ''}`;
}

/**
 * Absolute path of an executable, looking in PATH and the usual sbin directories.
 * @param {string} bin
 * @param {string[]} [extraDirs]
 * @returns {string | null}
 */
function which(bin, extraDirs = []) {
  const dirs = [...(process.env.PATH || '').split(path.delimiter), ...EXTRA_BIN_DIRS, ...extraDirs];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, bin);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/** @param {string} host @param {number} port @param {number} [timeoutMs] @returns {Promise<boolean>} */
function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (/** @type {boolean} */ open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Retries `check` until it succeeds, a permanent error occurs, or the timeout passes.
 * @template T
 * @param {string} label
 * @param {() => Promise<T>} check
 * @param {{ timeoutMs?: number, hint?: string }} [options]
 * @returns {Promise<T>}
 */
async function waitFor(label, check, { timeoutMs = READY_TIMEOUT_MS, hint = '' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (err.permanent) throw err;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${label} was not ready after ${Math.round(timeoutMs / 1000)} s: ${lastError?.message}${hint ? `\n${hint}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** @type {boolean | undefined} */
let sudoAnswer;
/** Passwordless sudo, asked once: `sudo -n` fails instead of prompting. @returns {Promise<boolean>} */
async function hasPasswordlessSudo() {
  if (sudoAnswer === undefined) {
    sudoAnswer = !isRoot && which('sudo') !== null && (await run('sudo', ['-n', 'true'], { timeoutMs: 5000 })).code === 0;
  }
  return sudoAnswer;
}

/**
 * [cmd, args] that runs as root, or null when we cannot become root without a prompt.
 * @param {string} cmd
 * @param {string[]} args
 * @returns {Promise<Command | null>}
 */
async function asRoot(cmd, args) {
  if (isRoot) return [cmd, args];
  if (await hasPasswordlessSudo()) return ['sudo', ['-n', cmd, ...args]];
  return null;
}

// ---------------------------------------------------------------------------------------
// Superuser SQL.

/** @type {Set<string | undefined>} */
const PG_AUTH_FAILURE_CODES = new Set(['28P01', '28000']); // invalid_password, invalid_authorization_specification

/** @param {InfraError} err */
function isPgAuthError(err) {
  // The server reports bad credentials with SQLSTATE 28xxx; when it asks for a password
  // and we have none, the `pg` client itself throws ("client password must be a string").
  return PG_AUTH_FAILURE_CODES.has(err.code) || /password|SASL/i.test(err.message || '');
}

// Chosen on first successful use and kept for the process: either the pg client with a
// URL-building function, or psql as the postgres OS user over the Unix socket.
/** @type {AdminRoute | null} */
let adminRoute = null;

// The superuser password of docker/docker-compose.yml's postgres (its development default).
const COMPOSE_POSTGRES_PASSWORD = () => process.env.POSTGRES_PASSWORD || 'postgres';

/**
 * Runs `sql` as the database superuser in database `db` (default: the maintenance
 * database) and returns the rows of its result.
 *
 * The login is, in order: PGADMIN_URL when set (nothing else is tried); else `postgres`
 * over TCP without a password (trusting servers; PGPASSWORD is honoured by `pg`); on an
 * authentication error, psql as the postgres OS user over the local socket (fresh Debian
 * install: peer auth; needs root or passwordless sudo); else `postgres` with the
 * docker-compose password (POSTGRES_PASSWORD, default "postgres").
 *
 * `sql` may hold several statements; they run in one implicit transaction unless the
 * text has its own BEGIN/COMMIT. Statements that refuse a transaction block
 * (CREATE/DROP DATABASE) must be sent alone. Only the rows of a single-statement query
 * are meaningful, and over the socket route every value is a string (NULL reads as ''),
 * so cast in SQL when the type matters. Errors carry the SQLSTATE in `err.code` on both
 * routes.
 * @param {string} sql
 * @param {string} [db]
 * @returns {Promise<Record<string, unknown>[]>}
 */
export async function adminQuery(sql, db) {
  adminRoute ??= await chooseAdminRoute();
  // A socket route always has its directory.
  return adminRoute.socketDir ? adminQuerySocket(adminRoute, sql, db) : adminQueryTcp(/** @type {TcpRoute} */ (adminRoute).url(db), sql);
}

/** @returns {Promise<AdminRoute>} */
async function chooseAdminRoute() {
  const redacted = (/** @type {string} */ url) => url.replace(/:[^:@/]*@/, ':***@');
  try {
    await adminQueryTcp(adminUrl(), 'SELECT 1');
    return { url: adminUrl };
  } catch (err) {
    if (!isPgAuthError(err)) throw err; // not up yet, or not PostgreSQL: let the caller retry
    if (process.env.PGADMIN_URL) {
      throw permanentError(`PostgreSQL refused PGADMIN_URL (${redacted(adminUrl())}): ${err.message}`);
    }
  }

  const { host, port } = pgTarget();
  const socketDir = isLocalHost(host) ? localSocketDir(port) : null;
  const runner = socketDir ? await socketRunner() : null;
  // A runner is only looked for when there is a socket directory.
  if (runner) return { socketDir: /** @type {string} */ (socketDir), runner };

  /** @param {string} [db] */
  const withComposePassword = (db) => {
    const url = new URL(adminUrl(db));
    url.password = encodeURIComponent(COMPOSE_POSTGRES_PASSWORD());
    return url.toString();
  };
  try {
    await adminQueryTcp(withComposePassword(), 'SELECT 1');
    return { url: withComposePassword };
  } catch (err) {
    if (!isPgAuthError(err)) throw err;
    throw permanentError(
      `PostgreSQL at ${host}:${port} refused the admin login as "postgres" (${err.message}). ` +
        'Set PGADMIN_URL to a superuser URL including its password' +
        (socketDir ? ', or run as root / with passwordless sudo so the local socket can be used.' : '.'),
    );
  }
}

/** Directory holding the server's Unix socket for `port` (Debian, then upstream default). @param {number} port */
function localSocketDir(port) {
  return [DEBIAN_PG_SOCKET_DIR, '/tmp'].find((dir) => existsSync(path.join(dir, `.s.PGSQL.${port}`))) ?? null;
}

/** @param {string} url @param {string} sql */
async function adminQueryTcp(url, sql) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A server-side disconnect after connect is emitted as 'error'; without a listener it
  // would crash the process instead of failing this one query.
  client.on('error', () => {});
  await client.connect();
  try {
    const result = await client.query(sql);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return last?.rows ?? [];
  } finally {
    await client.end().catch(() => {});
  }
}

/** How to run psql as the `postgres` OS user, or null when we cannot. @returns {Promise<Command | null>} */
async function socketRunner() {
  if (!which('psql')) return null;
  if (isRoot && which('runuser')) return ['runuser', ['-u', 'postgres', '--']];
  if (await hasPasswordlessSudo()) return ['sudo', ['-n', '-u', 'postgres', '--']];
  return null;
}

/** @param {{ socketDir: string, runner: Command }} route @param {string} sql @param {string} [db] */
async function adminQuerySocket({ socketDir, runner }, sql, db) {
  const [cmd, prefix] = runner;
  const { port } = pgTarget();
  const FIELD = '\x1f';
  const RECORD = '\x1e';
  const args = [
    ...prefix,
    'psql',
    '-X', // ignore ~/.psqlrc
    '-q',
    '-v', 'ON_ERROR_STOP=1',
    '-v', 'VERBOSITY=verbose', // errors then include the SQLSTATE, which we parse into err.code
    '-A', '-F', FIELD, '-R', RECORD, '-P', 'footer=off',
    '-h', socketDir,
    '-p', String(port),
    '-d', db || 'postgres',
    '-f', '-', // SQL on stdin keeps passwords out of the process list
  ];
  // Our PG* variables point psql at TCP and another user; the socket route needs neither.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
  // cwd '/': the postgres user usually cannot enter root's working directory.
  const result = await run(cmd, args, { input: sql, env, cwd: '/', timeoutMs: 120_000 });
  if (result.code !== 0) {
    const match = /ERROR:\s+([0-9A-Z]{5}):\s*(.*)/.exec(result.stderr);
    const err = /** @type {InfraError} */ (new Error(match ? match[2] : describeFailure('psql', result)));
    if (match) err.code = match[1];
    throw err;
  }
  const records = result.stdout.replace(/\n$/, '').split(RECORD).filter((r) => r !== '');
  if (records.length === 0) return [];
  const header = records[0].split(FIELD);
  return records.slice(1).map((r) => {
    const values = r.split(FIELD);
    return Object.fromEntries(header.map((h, i) => [h, values[i]]));
  });
}

// ---------------------------------------------------------------------------------------
// Installing: apt-get, else Docker Compose, else a precise error.

let aptUpdated = false;

async function aptRunner() {
  if (!existsSync('/etc/debian_version') || !which('apt-get')) return null;
  return asRoot('env', ['DEBIAN_FRONTEND=noninteractive', 'apt-get']);
}

/** @param {string} pkg @param {Log} log */
async function aptInstall(pkg, log) {
  const runner = await aptRunner();
  // Called only once aptRunner() has found one.
  const [cmd, baseArgs] = /** @type {Command} */ (runner);
  const logFile = path.join(LOG_DIR, 'apt.log');
  if (!aptUpdated) {
    log(`[infra] apt-get update (log: ${logFile})`);
    const upd = await run(cmd, [...baseArgs, 'update'], { logFile });
    if (upd.code !== 0) throw new Error(describeFailure('apt-get update', upd));
    aptUpdated = true;
  }
  log(`[infra] apt-get install -y ${pkg} (log: ${logFile})`);
  const res = await run(cmd, [...baseArgs, 'install', '-y', pkg], { logFile });
  if (res.code !== 0) throw new Error(describeFailure(`apt-get install ${pkg}`, res));
}

/** @type {boolean | undefined} */
let dockerAnswer;
/** @returns {Promise<boolean>} */
async function dockerUsable() {
  if (dockerAnswer === undefined) {
    dockerAnswer = which('docker') !== null && (await run('docker', ['info'], { timeoutMs: 15_000 })).code === 0;
  }
  return dockerAnswer;
}

/** @param {string} service @param {string} portEnv @param {number} port @param {Log} log */
async function composeUp(service, portEnv, port, log) {
  if (!existsSync(COMPOSE_FILE)) throw new Error(`Docker is available but ${COMPOSE_FILE} is missing.`);
  log(`[infra] ${portEnv}=${port} docker compose -f docker/docker-compose.yml up -d ${service}`);
  // The compose file publishes on non-default host ports (so it never clashes with local
  // servers); here nothing listens on the port we want, so publish it there instead.
  const env = { ...process.env, [portEnv]: String(port) };
  const res = await run('docker', ['compose', '-f', COMPOSE_FILE, 'up', '-d', service], { env, timeoutMs: 600_000 });
  if (res.code !== 0) throw new Error(describeFailure(`docker compose up ${service}`, res));
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

async function verifyPostgres() {
  try {
    await adminQuery('SELECT 1');
  } catch (err) {
    // Retried by the caller unless permanent: right after a start the server answers
    // 57P03 "the database system is starting up" for a moment.
    if (err.permanent || err.code) throw err;
    throw new Error(`no PostgreSQL answer (is it PostgreSQL on that port?): ${err.message}`);
  }
}

function postgresVersions() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
}

/** Debian clusters from `pg_lsclusters -h`: version, name, port, status, logfile. */
async function debianClusters() {
  const res = await run('pg_lsclusters', ['-h'], { timeoutMs: 15_000 });
  if (res.code !== 0) return [];
  return res.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [version, name, port, status, , , logfile] = line.trim().split(/\s+/);
      return { version, name, port: Number(port), status, logfile };
    });
}

/**
 * Starts a local PostgreSQL; returns how, or null when no server binaries are installed.
 * @param {Address} address
 * @param {Log} log
 * @returns {Promise<Started | null>}
 */
async function startPostgres({ port }, log) {
  if (which('pg_ctlcluster') && postgresVersions().length > 0) {
    // Debian/Ubuntu layout: clusters live under /etc/postgresql/<version>/<name>.
    const clusters = await debianClusters();
    let cluster = clusters.find((c) => c.port === port);
    let how;
    if (!cluster && clusters.length > 0) {
      throw permanentError(
        `No PostgreSQL cluster listens on port ${port}; existing clusters: ` +
          clusters.map((c) => `${c.version}/${c.name} on ${c.port}`).join(', ') +
          `. Set PGPORT to one of those ports, or create one with: pg_createcluster <version> <name> -p ${port} --start`,
      );
    }
    if (!cluster) {
      const version = postgresVersions()[0];
      const cmd = await asRoot('pg_createcluster', [version, 'main', '-p', String(port), '--start']);
      if (!cmd) throw permanentError(`PostgreSQL ${version} has no cluster; as root run: pg_createcluster ${version} main --start`);
      log(`[infra] postgres: creating cluster ${version}/main on port ${port}`);
      const res = await run(cmd[0], cmd[1], { logFile: path.join(LOG_DIR, 'postgres-start.log') });
      if (res.code !== 0) throw new Error(describeFailure('pg_createcluster', res));
      how = `pg_createcluster ${version} main --start`;
      cluster = (await debianClusters()).find((c) => c.port === port);
    } else {
      // --skip-systemctl-redirect: start the cluster directly, also where systemd is absent
      // (containers, CI) or would hand the start to a unit we do not control.
      const args = ['--skip-systemctl-redirect', cluster.version, cluster.name, 'start'];
      const cmd = await asRoot('pg_ctlcluster', args);
      if (!cmd) throw permanentError(`PostgreSQL cluster ${cluster.version}/${cluster.name} is down; as root run: pg_ctlcluster ${args.join(' ')}`);
      log(`[infra] postgres: starting cluster ${cluster.version}/${cluster.name}`);
      const res = await run(cmd[0], cmd[1], { logFile: path.join(LOG_DIR, 'postgres-start.log') });
      if (res.code !== 0) throw new Error(describeFailure(`pg_ctlcluster ${args.join(' ')}`, res));
      how = `pg_ctlcluster ${args.join(' ')}`;
    }
    return { how, logFile: cluster?.logfile };
  }

  // Any other layout (Homebrew, source builds): our own data directory, trust auth, so
  // the tooling can connect as `postgres` over TCP. initdb refuses to run as root.
  const pgCtl = which('pg_ctl', postgresVersions().map((v) => `/usr/lib/postgresql/${v}/bin`));
  if (!pgCtl) return null;
  const dataDir = process.env.PGDATA || path.join(STATE_DIR, 'postgres');
  const logFile = path.join(LOG_DIR, 'postgres.log');
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (isRoot) throw permanentError(`initdb cannot run as root; create ${dataDir} as a normal user or install the distribution package.`);
    log(`[infra] postgres: initdb ${dataDir}`);
    const initdb = path.join(path.dirname(pgCtl), 'initdb');
    const res = await run(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { logFile });
    if (res.code !== 0) throw new Error(describeFailure('initdb', res));
  }
  log(`[infra] postgres: pg_ctl start -D ${dataDir}`);
  const { host } = pgTarget();
  const opts = `-p ${port} -c listen_addresses=${host === 'localhost' ? 'localhost' : host} -k ${dataDir}`;
  const res = await run(pgCtl, ['-D', dataDir, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start'], { logFile });
  if (res.code !== 0) throw new Error(describeFailure('pg_ctl start', res));
  return { how: `pg_ctl -D ${dataDir} start`, logFile };
}

// ---------------------------------------------------------------------------------------
// Redis

/**
 * Proves the port is Redis with the services' own client (ioredis): AUTH when REDIS_URL has a
 * password, TLS for rediss://, then PING → PONG. A refusal of the password, or a reply that is not
 * Redis, is permanent: retrying will not fix it.
 */
async function verifyRedis() {
  const { host, port } = redisTarget();
  const client = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The client reports a reply it cannot parse as an 'error' event, then only "Connection is closed".
  /** @type {Error | null} */
  let transportError = null;
  client.on('error', (err) => (transportError = err));
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') throw permanentError(`${host}:${port} answers but is not Redis (PING → ${JSON.stringify(pong)}).`);
  } catch (err) {
    if (err.permanent) throw err;
    // transportError is set by the 'error' listener, which the checker does not follow.
    const message = [err?.message ?? err, /** @type {Error | null} */ (transportError)?.message].filter(Boolean).join('; ');
    if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(message)) {
      throw permanentError(`Redis at ${host}:${port} rejected authentication (${message}); put the password in REDIS_URL.`);
    }
    if (/LOADING/.test(message)) throw new Error('Redis is loading its dataset');
    if (/Protocol error|unknown reply|Parse/i.test(message)) throw permanentError(`${host}:${port} answers but is not Redis (${message.slice(0, 80)}).`);
    throw new Error(`no reply to PING from ${host}:${port}: ${message}`);
  } finally {
    client.disconnect();
  }
}

/** @param {Address} address @param {Log} log @returns {Promise<Started | null>} */
async function startRedis({ host, port }, log) {
  const bin = which('redis-server');
  if (!bin) return null;
  const logFile = path.join(LOG_DIR, 'redis.log');
  const pidFile = path.join(STATE_DIR, `redis-${port}.pid`);
  mkdirSync(LOG_DIR, { recursive: true });
  // A cache and a rate-limit store: no snapshots, no AOF, nothing written into the repo.
  const args = [
    '--daemonize', 'yes',
    '--bind', host === 'localhost' ? '127.0.0.1' : host,
    '--port', String(port),
    '--save', '',
    '--appendonly', 'no',
    '--logfile', logFile,
    '--pidfile', pidFile,
    '--dir', STATE_DIR,
  ];
  log(`[infra] redis: starting ${bin} on port ${port}`);
  const res = await run(bin, args, { logFile });
  if (res.code !== 0) throw new Error(describeFailure('redis-server', res));
  return { how: `${bin} --daemonize yes --port ${port}`, logFile, pidFile };
}

// ---------------------------------------------------------------------------------------
// NATS

async function verifyNats() {
  const { servers } = natsTarget();
  let nc;
  try {
    nc = await natsConnect({ servers, name: 'engage-infra-check', timeout: 3000, reconnect: false });
  } catch (err) {
    throw new Error(`NATS connect to ${servers.join(',')} failed: ${err.message}`);
  }
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.getAccountInfo();
  } catch (err) {
    // JetStream off answers like "no responders" (503) on the $JS.API subjects.
    if (err.code === '503') {
      throw permanentError(
        `NATS at ${servers.join(',')} runs without JetStream, which the services need. ` +
          'Restart it with JetStream enabled: `nats-server -js -sd <store dir>`, or add `jetstream { store_dir: "<dir>" }` to its config ' +
          '(Docker: `nats:2 -js`; Helm chart: `config.jetstream.enabled=true`).',
      );
    }
    throw err;
  } finally {
    await nc.close().catch(() => {});
  }
}

/** @param {Address} address @param {Log} log @returns {Promise<Started | null>} */
async function startNats({ host, port }, log) {
  const bin = which('nats-server');
  if (!bin) return null;
  // A store per port, so a second local server (tests) never fights over the same files.
  const storeDir = process.env.NATS_STORE_DIR || path.join(STATE_DIR, port === 4222 ? 'nats' : `nats-${port}`);
  const logFile = path.join(LOG_DIR, port === 4222 ? 'nats.log' : `nats-${port}.log`);
  const pidFile = path.join(STATE_DIR, `nats-${port}.pid`);
  mkdirSync(storeDir, { recursive: true });
  mkdirSync(LOG_DIR, { recursive: true });
  const out = openSync(logFile, 'a');
  log(`[infra] nats: starting ${bin} on port ${port} (store ${storeDir})`);
  // nats-server does not daemonize itself: detach it into its own process group and
  // unref it, so it outlives this script (and `npm start` returning or being interrupted).
  const child = spawn(bin, ['-a', host, '-p', String(port), '-js', '-sd', storeDir], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  /** @type {{ code: number | string | null }} */
  const exited = { code: null };
  child.once('exit', (code, signal) => (exited.code = code ?? signal));
  child.once('error', (err) => (exited.code = err.message));
  child.unref();
  writeFileSync(pidFile, `${child.pid}\n`);
  return {
    how: `${bin} -a ${host} -p ${port} -js -sd ${storeDir}`,
    logFile,
    pidFile,
    pid: child.pid,
    // Fail fast instead of waiting out the timeout when the server died at once.
    assertAlive() {
      if (exited.code !== null) throw permanentError(`nats-server exited (${exited.code}):\n${tailOf(logFile)}`);
    },
  };
}

// ---------------------------------------------------------------------------------------
// One procedure for all three servers.

/** @type {Record<string, Service>} */
const SERVICES = {
  postgres: {
    label: 'PostgreSQL',
    target: pgTarget,
    envHint: 'PGHOST/PGPORT/PGADMIN_URL',
    verify: verifyPostgres,
    start: startPostgres,
    aptPackage: 'postgresql',
    composeService: 'postgres',
    composePortEnv: 'ENGAGE_PG_PORT',
    installHint: 'Debian/Ubuntu: `sudo apt-get install -y postgresql`; macOS: `brew install postgresql@15`',
  },
  redis: {
    label: 'Redis',
    target: redisTarget,
    envHint: 'REDIS_URL',
    verify: verifyRedis,
    start: startRedis,
    aptPackage: 'redis-server',
    composeService: 'redis',
    composePortEnv: 'ENGAGE_REDIS_PORT',
    installHint: 'Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`',
  },
  nats: {
    label: 'NATS',
    target: natsTarget,
    envHint: 'NATS_URL',
    verify: verifyNats,
    start: startNats,
    aptPackage: 'nats-server',
    composeService: 'nats',
    composePortEnv: 'ENGAGE_NATS_PORT',
    installHint: 'Debian 12+/Ubuntu 22.04+: `sudo apt-get install -y nats-server`; macOS: `brew install nats-server`; or a release from https://github.com/nats-io/nats-server/releases',
  },
};

/** @param {string} key @param {Log} log */
async function ensureService(key, log) {
  const svc = SERVICES[key];
  const { host, port } = svc.target();
  const where = `${host}:${port}`;
  if (await tcpOpen(host, port)) {
    await waitFor(`${svc.label} at ${where}`, svc.verify, { timeoutMs: ALREADY_RUNNING_TIMEOUT_MS });
    log(`[infra] ${key}: already running at ${where}`);
    return { started: false, how: 'already running', host, port };
  }
  if (!isLocalHost(host)) {
    throw new Error(`${svc.label} is not reachable at ${where}. Only local servers are started automatically; start it there or change ${svc.envHint}.`);
  }

  let started = await svc.start({ host, port }, log);
  if (!started) {
    if (await aptRunner()) {
      await aptInstall(svc.aptPackage, log);
      // On systemd machines the package starts the server itself.
      started = (await tcpOpen(host, port)) ? { how: `apt-get install ${svc.aptPackage}` } : await svc.start({ host, port }, log);
      if (!started) throw new Error(`apt-get installed ${svc.aptPackage}, but no ${svc.label} server binary was found afterwards.`);
    } else if (await dockerUsable()) {
      await composeUp(svc.composeService, svc.composePortEnv, port, log);
      started = {
        how: `docker compose -f docker/docker-compose.yml up -d ${svc.composeService}`,
        hint: `See \`docker compose -f docker/docker-compose.yml logs ${svc.composeService}\``,
      };
    } else {
      const why = [
        existsSync('/etc/debian_version') && which('apt-get') ? 'apt-get needs root or passwordless sudo' : 'no apt-get on this system',
        which('docker') ? '`docker info` fails (is the daemon running, may this user use it?)' : 'Docker is not installed',
      ].join('; ');
      throw new Error(
        `${svc.label} is not running at ${where} and is not installed (${why}). ` +
          `Install it (${svc.installHint}), or install Docker so \`docker compose -f docker/docker-compose.yml up -d ${svc.composeService}\` can run it, ` +
          `or point ${svc.envHint} at a running server.`,
      );
    }
  }

  await waitFor(
    `${svc.label} at ${where}`,
    async () => {
      started.assertAlive?.();
      await svc.verify();
    },
    { hint: started.hint ?? (started.logFile ? `See ${started.logFile}` : '') },
  );
  log(`[infra] ${key}: started at ${where} (${started.how})`);
  const record = { started: true, host, port, ...started };
  delete record.assertAlive;
  delete record.hint;
  return record;
}

/**
 * Makes PostgreSQL, Redis and NATS+JetStream reachable, starting or installing them when
 * needed. Returns what it found or did per server; what it started is also recorded in
 * .engage/infra-started.json so a later `down` can stop exactly that.
 * @param {{ log?: Log }} [options]
 */
export async function ensureInfra({ log = console.log } = {}) {
  /** @type {Record<string, Awaited<ReturnType<typeof ensureService>>>} */
  const result = {};
  // One after another: apt-get holds the dpkg lock, and the checks take milliseconds.
  for (const key of Object.keys(SERVICES)) result[key] = await ensureService(key, log);

  const startedNow = Object.fromEntries(Object.entries(result).filter(([, r]) => r.started));
  if (Object.keys(startedNow).length > 0) {
    const stateFile = path.join(STATE_DIR, 'infra-started.json');
    let previous = {};
    try {
      previous = JSON.parse(readFileSync(stateFile, 'utf8'));
    } catch {
      // first start
    }
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(stateFile, `${JSON.stringify({ ...previous, ...startedNow }, null, 2)}\n`);
  }
  return result;
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  ensureInfra().then(
    () => process.exit(0),
    (err) => {
      console.error(`[infra] ${err.message}`);
      process.exit(1);
    },
  );
}
