/**
 * Runs the SMTP stand-in on its own:
 *   node dist/tools/providers/smtp/main.js --port 2525 --inbox-port 2526 [--allow-anonymous true]
 * and prints its describe() JSON (SMTP URL, user, password, inbox URL).
 */
import { portFlag, runStandInCli } from '../cli';
import { startSmtpStandIn } from './server';

runStandInCli(['port', 'inbox-port', 'host', 'allow-anonymous'], (flags) => {
  const anonymous = flags['allow-anonymous'];
  if (anonymous !== undefined && anonymous !== 'true' && anonymous !== 'false') {
    return Promise.reject(new Error('--allow-anonymous must be true or false'));
  }
  return startSmtpStandIn({
    port: portFlag(flags, 'port', 0),
    inboxPort: portFlag(flags, 'inbox-port', 0),
    host: flags.host,
    allowAnonymous: anonymous === 'true',
  });
});
