/**
 * Runs the Stripe stand-in on its own:
 *   node dist/tools/providers/stripe/main.js --port 12111 --webhook-url http://127.0.0.1:3000/webhooks/stripe
 * and prints its describe() JSON (URL, secret key, webhook signing secret, control URL).
 */
import { portFlag, runStandInCli } from '../cli';
import { startStripeStandIn } from './server';

runStandInCli(['port', 'host', 'webhook-url'], (flags) =>
  startStripeStandIn({ port: portFlag(flags, 'port', 0), host: flags.host, webhookUrl: flags['webhook-url'] }),
);
