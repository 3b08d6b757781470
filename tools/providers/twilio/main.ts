import { parseArgs } from 'node:util';
import { startTwilioStandIn } from './server';

/**
 * Runs the Twilio stand-in alone: `node dist/tools/providers/twilio/main.js --port 4010
 * --webhook-base-url http://127.0.0.1:3000 --time-scale 1`. Prints its description (URL, credentials,
 * control URL) as one JSON line on stdout, which the stack runner writes into `.engage/providers.json`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'webhook-base-url': { type: 'string' },
      'time-scale': { type: 'string', default: '1' },
    },
  });
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  if (!(timeScale > 0)) throw new Error(`--time-scale must be a positive number, got ${values['time-scale']}`);
  const standIn = await startTwilioStandIn({ port, host: values.host, webhookBaseUrl: values['webhook-base-url'], timeScale });
  process.stdout.write(`${JSON.stringify(standIn.describe())}\n`);
  const stop = (): void => {
    void standIn.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'twilio stand-in failed to start', err: String(error) })}\n`);
  process.exit(1);
});
