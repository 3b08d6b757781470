/**
 * Every provider stand-in the stack runs beside the services (SPEC §6, §8). `npm start`,
 * `npm run up` and `npm test` start them through `main.ts` on fixed ports derived from the
 * stack's base port, so a developer's console, a test and the services all find a stand-in at the
 * same address on every run, and write `.engage/providers.json` from `providersDocument()`.
 */
import { startGmailStandIn } from './gmail';
import type { StandIn } from './stand-in';
import { startSmtpStandIn } from './smtp';
import { startStripeStandIn } from './stripe';
import { startTwilioStandIn } from './twilio';

export type { StandIn, StandInOptions } from './stand-in';

/**
 * Port of each stand-in relative to the stack's base port (the gateway's). The services sit at
 * offsets 0–49 (from the service registry); stacks on one machine are a hundred ports apart
 * (development 3000, tests 3100), so 50–59 belongs to this stack's stand-ins alone.
 */
export const STAND_IN_PORT_OFFSETS = {
  twilio: 50,
  stripe: 51,
  smtp: 52,
  smtpInbox: 53,
  gmail: 54,
} as const;

export interface StackStandInsOptions {
  /** The stack's base port: the gateway listens there, the stand-ins at base + STAND_IN_PORT_OFFSETS. */
  basePort: number;
  /** The gateway's URL: where providers deliver their callbacks (`/webhooks/<provider>/…`, SPEC §4). */
  webhookBaseUrl: string;
  host?: string;
  /** Twilio's simulated call and message times are multiplied by this (1 = real time). */
  twilioTimeScale?: number;
}

interface StandInStarter {
  readonly name: string;
  start(options: StackStandInsOptions & { host: string }): Promise<StandIn>;
}

const portOf = (options: StackStandInsOptions, offset: number): number => options.basePort + offset;

/**
 * The stand-ins the stack starts, in order. This list is the one place a new stand-in is added;
 * a stand-in without its own mapping in tools/stack/providers.mjs gives the services
 * `<NAME>_<KEY>` variables from its describe() output (gmail: GMAIL_URL, GMAIL_CLIENT_ID, …).
 */
const STACK_STAND_INS: readonly StandInStarter[] = [
  {
    name: 'twilio',
    start: (o) =>
      startTwilioStandIn({
        host: o.host,
        port: portOf(o, STAND_IN_PORT_OFFSETS.twilio),
        webhookBaseUrl: o.webhookBaseUrl,
        timeScale: o.twilioTimeScale ?? 1,
      }),
  },
  {
    name: 'stripe',
    start: (o) =>
      startStripeStandIn({
        host: o.host,
        port: portOf(o, STAND_IN_PORT_OFFSETS.stripe),
        webhookUrl: `${o.webhookBaseUrl.replace(/\/+$/, '')}/webhooks/stripe`,
      }),
  },
  {
    name: 'smtp',
    start: (o) =>
      startSmtpStandIn({
        host: o.host,
        port: portOf(o, STAND_IN_PORT_OFFSETS.smtp),
        inboxPort: portOf(o, STAND_IN_PORT_OFFSETS.smtpInbox),
      }),
  },
  {
    name: 'gmail',
    start: (o) =>
      startGmailStandIn({
        host: o.host,
        port: portOf(o, STAND_IN_PORT_OFFSETS.gmail),
        pushUrl: `${o.webhookBaseUrl.replace(/\/+$/, '')}/webhooks/gmail`,
      }),
  },
];

/** The names of the stand-ins the stack starts, in `.engage/providers.json` order. */
export const STACK_STAND_IN_NAMES: readonly string[] = STACK_STAND_INS.map((s) => s.name);

/**
 * Starts every stand-in; if one cannot start (its port is taken, say), the ones already started
 * are stopped again and the error names the stand-in.
 */
export async function startStackStandIns(options: StackStandInsOptions): Promise<StandIn[]> {
  const started: StandIn[] = [];
  const host = options.host ?? '127.0.0.1';
  for (const starter of STACK_STAND_INS) {
    try {
      started.push(await starter.start({ ...options, host }));
    } catch (error) {
      await stopStandIns(started);
      throw new Error(`the ${starter.name} stand-in did not start: ${(error as Error).message}`);
    }
  }
  return started;
}

/** Stops stand-ins in the reverse order of starting, each even when another fails to stop. */
export async function stopStandIns(standIns: readonly StandIn[]): Promise<void> {
  const results = await Promise.allSettled([...standIns].reverse().map((s) => s.stop()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export type ProvidersDocument = { generatedAt: string } & Record<string, Record<string, string | number> | string>;

/** What `.engage/providers.json` holds: one key per stand-in (its describe() output) and when it was written. */
export function providersDocument(standIns: readonly StandIn[], now: Date = new Date()): ProvidersDocument {
  const document: ProvidersDocument = { generatedAt: now.toISOString() };
  for (const standIn of standIns) document[standIn.name] = standIn.describe();
  return document;
}
