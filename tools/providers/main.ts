/**
 * Runs every stand-in the stack needs in one process, as `npm start`, `npm run up` and `npm test` do:
 *   node dist/tools/providers/main.js --base-port 3000 --webhook-base-url http://localhost:3000 \
 *     --out .engage/providers.json [--twilio-time-scale 1] [--host 127.0.0.1]
 * Once all of them listen it writes the providers document to --out (whole, never half-written: the
 * stack runner waits for the file) and logs their URLs as one JSON line. SIGINT/SIGTERM stop them and
 * remove the file, so a stale document never points at stopped stand-ins.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseFlags, portFlag, positiveFlag, requiredFlag } from './cli';
import { providersDocument, startStackStandIns, stopStandIns } from './index';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), ['base-port', 'webhook-base-url', 'out', 'twilio-time-scale', 'host']);
  const out = requiredFlag(flags, 'out');
  const standIns = await startStackStandIns({
    basePort: portFlag(flags, 'base-port', 3000),
    webhookBaseUrl: requiredFlag(flags, 'webhook-base-url'),
    twilioTimeScale: positiveFlag(flags, 'twilio-time-scale', 1),
    host: flags.host,
  });
  const document = providersDocument(standIns);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  // Development credentials only, but still readable by this user alone.
  writeFileSync(`${out}.tmp`, text, { mode: 0o600 });
  renameSync(`${out}.tmp`, out);
  // The log names the URLs only; credentials are in the file.
  const urls = Object.fromEntries(standIns.map((s) => [s.name, s.url]));
  process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'provider stand-ins started', file: out, urls })}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    rmSync(out, { force: true });
    stopStandIns(standIns).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'a stand-in did not stop cleanly', err: String(error) })}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'provider stand-ins failed to start', err: String(error) })}\n`);
  process.exit(1);
});
