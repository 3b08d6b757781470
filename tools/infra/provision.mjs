// @ts-check
// Creates the database, extensions, schemas and roles the services expect (SPEC §3).
//
// Per service schema two roles:
//   <schema>_owner  owns the schema and everything the migrations create in it;
//   <schema>_app    what the running service connects as: reads and writes rows through
//                   default privileges, owns nothing, cannot create objects, cannot bypass
//                   row-level security, and has no rights on any other service's schema.
//
// Idempotent and safe to run concurrently: every step is IF NOT EXISTS or checks first,
// and each phase runs in one transaction behind an advisory lock.
//
//   node tools/infra/provision.mjs [--database engage_test] [--json]
//   node tools/infra/provision.mjs --database engage_test --drop
//
// Admin SQL goes through adminQuery (bootstrap.mjs): PGADMIN_URL, else postgres@PGHOST:PGPORT,
// else the local socket as the postgres OS user.

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adminQuery, pgTarget, urlHost } from './bootstrap.mjs';
import { readRegistry } from '../registry/registry.mjs';

/** The schemas of the services, from the service registry. */
export const SERVICE_SCHEMAS = readRegistry().services.map((s) => s.schema);

// Arbitrary constants; one for the cluster-wide roles (locked in the maintenance
// database), one for the per-database objects (advisory locks are scoped per database).
const ROLES_LOCK = 72_450_001;
const DATABASE_LOCK = 72_450_002;

/**
 * Password of a role: env <ROLE>_PASSWORD (e.g. CRM_APP_PASSWORD), else — outside
 * production only — the role name, so a fresh clone works with no configuration.
 * @param {string} role
 * @returns {string}
 */
export function rolePassword(role) {
  const envName = `${role.toUpperCase()}_PASSWORD`;
  const value = process.env[envName];
  if (value) return value;
  if (process.env.NODE_ENV === 'production') {
    throw new Error(`${envName} must be set when NODE_ENV=production`);
  }
  return role;
}

/**
 * Connection URLs per service schema: `app` (runtime role → DATABASE_URL) and `owner`
 * (migration role → MIGRATION_DATABASE_URL).
 * @param {{ database?: string, host?: string, port?: number }} [options]  host, port: default pgTarget()
 * @returns {Record<string, { app: string, owner: string }>}
 */
export function connectionUrls({ database = 'engage', host, port } = {}) {
  const target = pgTarget();
  const h = urlHost(host ?? target.host);
  const p = port ?? target.port;
  const url = (/** @type {string} */ role) =>
    `postgres://${encodeURIComponent(role)}:${encodeURIComponent(rolePassword(role))}@${h}:${p}/${encodeURIComponent(database)}`;
  return Object.fromEntries(
    SERVICE_SCHEMAS.map((schema) => [schema, { app: url(`${schema}_app`), owner: url(`${schema}_owner`) }]),
  );
}

// ---------------------------------------------------------------------------------------
// Quoting. Names are validated, so quoting is belt and braces; passwords are arbitrary.

/** @param {string} name */
function ident(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

/** @param {string} value */
function literal(value) {
  // Same rule as pg's escapeLiteral: E'' form when backslashes are present, so the text
  // is read the same whatever standard_conforming_strings says.
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** @param {string} database */
function assertDatabaseName(database) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    throw new Error(`Invalid database name ${JSON.stringify(database)}: use lowercase letters, digits and _`);
  }
}

/**
 * The password as PostgreSQL would store it (SCRAM-SHA-256 verifier), so the plain text
 * never reaches server logs (log_statement=ddl) or pg_stat_statements. PostgreSQL runs
 * SASLprep first, which leaves printable ASCII unchanged; anything else is sent as is and
 * hashed by the server.
 * @param {string} password
 */
function passwordForSql(password) {
  if (!/^[\x20-\x7e]+$/.test(password)) return password;
  const iterations = 4096;
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

// ---------------------------------------------------------------------------------------
// SQL of each phase.

function rolesSql() {
  const statements = [`DO $$ BEGIN PERFORM pg_advisory_xact_lock(${ROLES_LOCK}); END $$;`];
  for (const schema of SERVICE_SCHEMAS) {
    for (const kind of ['owner', 'app']) {
      const role = `${schema}_${kind}`;
      // The app role does not inherit: even if someone grants it membership in the owner
      // role later, it does not silently gain the owner's rights.
      const attributes = kind === 'app' ? 'LOGIN NOCREATEDB NOCREATEROLE NOINHERIT' : 'LOGIN NOCREATEDB NOCREATEROLE';
      statements.push(
        // unique_violation too: a CREATE ROLE racing another session's, outside our lock.
        `DO $$ BEGIN CREATE ROLE ${ident(role)}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`,
        // Always: a changed password in the environment takes effect on the next run.
        `ALTER ROLE ${ident(role)} WITH ${attributes} PASSWORD ${literal(passwordForSql(rolePassword(role)))};`,
        // Only when wrong: changing these needs a real superuser, which managed services
        // (RDS, Cloud SQL) do not give, and new roles already have them off.
        `DO $$ BEGIN
           IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(role)} AND (rolsuper OR rolbypassrls OR rolreplication)) THEN
             ALTER ROLE ${ident(role)} NOSUPERUSER NOBYPASSRLS NOREPLICATION;
           END IF;
         END $$;`,
      );
    }
  }
  return `BEGIN;\n${statements.join('\n')}\nCOMMIT;`;
}

/** @param {string} database */
function databaseSql(database) {
  const statements = [
    `DO $$ BEGIN PERFORM pg_advisory_xact_lock(${DATABASE_LOCK}); END $$;`,
    // Created by the admin, so the service roles need no CREATE on the database.
    'CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;',
    'CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;',
    // Nobody creates objects in public (PostgreSQL 15 already does this; older ones do not).
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC;',
  ];
  for (const schema of SERVICE_SCHEMAS) {
    const owner = `${schema}_owner`;
    const app = `${schema}_app`;
    statements.push(
      `GRANT CONNECT ON DATABASE ${ident(database)} TO ${ident(owner)}, ${ident(app)};`,
      `CREATE SCHEMA IF NOT EXISTS ${ident(schema)} AUTHORIZATION ${ident(owner)};`,
      `DO $$ BEGIN
         IF (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = ${literal(schema)}) <> ${literal(owner)} THEN
           ALTER SCHEMA ${ident(schema)} OWNER TO ${ident(owner)};
         END IF;
       END $$;`,
      `GRANT USAGE ON SCHEMA ${ident(schema)} TO ${ident(app)};`,
      // Tables that existed before this schema was first provisioned get the app grants
      // once. Only once: later runs must not re-grant what a migration deliberately
      // revoked (global registries the runtime role may only read, SPEC §3). The marker
      // is the default-privileges entry written just below.
      `DO $$ BEGIN
         IF NOT EXISTS (
           SELECT 1 FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace
           WHERE n.nspname = ${literal(schema)} AND d.defaclrole = ${literal(owner)}::regrole AND d.defaclobjtype = 'r'
         ) THEN
           GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${ident(schema)} TO ${ident(app)};
           GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${ident(schema)} TO ${ident(app)};
         END IF;
       END $$;`,
      // Everything the owner (the migrations) creates later is usable by the app role.
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(owner)} IN SCHEMA ${ident(schema)} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ident(app)};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(owner)} IN SCHEMA ${ident(schema)} GRANT USAGE, SELECT ON SEQUENCES TO ${ident(app)};`,
      // An app role that owns something could ALTER it, e.g. disable RLS: refuse loudly.
      `DO $$ DECLARE owned text; BEGIN
         SELECT string_agg(what, ', ') INTO owned FROM (
           SELECT 'schema ' || nspname AS what FROM pg_namespace WHERE nspowner = ${literal(app)}::regrole
           UNION ALL
           SELECT 'relation ' || c.oid::regclass::text FROM pg_class c WHERE c.relowner = ${literal(app)}::regrole
           UNION ALL
           SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p WHERE p.proowner = ${literal(app)}::regrole
         ) objects;
         IF owned IS NOT NULL THEN
           RAISE EXCEPTION 'role ${app} must own nothing but owns: %', owned
             USING HINT = 'REASSIGN OWNED BY ${app} TO ${owner}';
         END IF;
       END $$;`,
    );
  }
  return `BEGIN;\n${statements.join('\n')}\nCOMMIT;`;
}

// ---------------------------------------------------------------------------------------

/** @param {string} database @param {(message: string) => void} log */
async function ensureDatabase(database, log) {
  const exists = await adminQuery(`SELECT 1 AS found FROM pg_database WHERE datname = ${literal(database)}`);
  if (exists.length > 0) return;
  try {
    // Alone: CREATE DATABASE refuses to run inside a transaction block.
    await adminQuery(`CREATE DATABASE ${ident(database)}`);
    log(`[provision] created database ${database}`);
  } catch (err) {
    // Another run created it between our check and our CREATE.
    if (err.code !== '42P04' && err.code !== '23505') throw err;
  }
}

/**
 * Creates or updates database, extensions, schemas, roles and grants. Safe to repeat.
 * @param {{ database?: string, log?: (message: string) => void }} [options]
 */
export async function provision({ database = 'engage', log = console.log } = {}) {
  assertDatabaseName(database);
  await ensureDatabase(database, log);
  await adminQuery(rolesSql());
  await adminQuery(databaseSql(database), database);
  log(`[provision] ${database}: schemas ${SERVICE_SCHEMAS.join(', ')} with their _owner and _app roles are ready`);
}

/**
 * Drops a database (for test databases); other sessions on it are disconnected.
 * @param {{ database: string, log?: (message: string) => void }} options
 */
export async function dropDatabase({ database, log = console.log }) {
  assertDatabaseName(database);
  if (['postgres', 'template0', 'template1'].includes(database)) {
    throw new Error(`Refusing to drop ${database}`);
  }
  await adminQuery(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`);
  log(`[provision] dropped database ${database}`);
}

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = { database: 'engage', json: false, drop: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--database') options.database = argv[++i];
    else if (arg.startsWith('--database=')) options.database = arg.slice('--database='.length);
    else if (arg === '--json') options.json = true;
    else if (arg === '--drop') options.drop = true;
    else throw new Error(`Unknown argument ${arg}. Usage: provision.mjs [--database <name>] [--json] [--drop]`);
  }
  if (!options.database) throw new Error('--database needs a name');
  return options;
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
  (async () => {
    const options = parseArgs(process.argv.slice(2));
    // With --json stdout carries only the JSON document, for scripts and tests.
    const log = options.json ? (/** @type {unknown[]} */ ...args) => console.error(...args) : console.log;
    if (options.drop) {
      await dropDatabase({ database: options.database, log });
      return;
    }
    await provision({ database: options.database, log });
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ database: options.database, urls: connectionUrls({ database: options.database }) })}\n`);
    }
  })().then(
    () => process.exit(0),
    (err) => {
      console.error(`[provision] ${err.message}`);
      process.exit(1);
    },
  );
}
