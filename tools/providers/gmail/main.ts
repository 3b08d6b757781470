/**
 * Runs the Gmail stand-in on its own:
 *   node dist/tools/providers/gmail/main.js --port 4040 --push-url http://127.0.0.1:3000/webhooks/gmail
 * and prints its describe() JSON (URL, OAuth client id and secret, token/auth URLs, push token, control URL).
 */
import { portFlag, runStandInCli } from '../cli';
import { startGmailStandIn } from './server';

runStandInCli(['port', 'host', 'push-url', 'push-token', 'fixture'], (flags) =>
  startGmailStandIn({
    port: portFlag(flags, 'port', 0),
    host: flags.host,
    pushUrl: flags['push-url'],
    pushToken: flags['push-token'],
    fixture: flags.fixture,
  }),
);
