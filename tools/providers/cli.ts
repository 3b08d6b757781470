/**
 * The command line shared by the stand-ins' `main.ts`: read `--flag value` pairs, start the
 * stand-in, print its `describe()` JSON on one line (the stack runner reads it to write
 * `.engage/providers.json`) and stop cleanly on SIGINT/SIGTERM.
 */
import type { StandIn } from './stand-in';

export type CliFlags = Record<string, string>;

/** `--port 4010 --webhook-url http://…` → { port: '4010', 'webhook-url': 'http://…' }; `--flag=value` works too. */
export function parseFlags(argv: readonly string[], known: readonly string[]): CliFlags {
  const flags: CliFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (!known.includes(name)) throw new Error(`unknown flag --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags[name] = value;
  }
  return flags;
}

/** A port flag as a number; absent → the fallback (0 picks a free port). */
export function portFlag(flags: CliFlags, name: string, fallback: number): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--${name} must be a port number, got ${raw}`);
  return port;
}

/** A positive number flag (a time scale, say); absent → the fallback. */
export function positiveFlag(flags: CliFlags, name: string, fallback: number): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`--${name} must be a positive number, got ${raw}`);
  return value;
}

/** A flag that must be given. */
export function requiredFlag(flags: CliFlags, name: string): string {
  const value = flags[name];
  if (value === undefined || value === '') throw new Error(`--${name} is required`);
  return value;
}

/** Starts a stand-in from the command line and keeps it running until a signal arrives. */
export function runStandInCli(known: readonly string[], start: (flags: CliFlags) => Promise<StandIn>): void {
  let flags: CliFlags;
  try {
    flags = parseFlags(process.argv.slice(2), known);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  // Flag errors thrown while starting are reported like start failures, in one line.
  Promise.resolve(flags)
    .then(start)
    .then(
      (standIn) => {
        process.stdout.write(`${JSON.stringify({ name: standIn.name, ...standIn.describe() })}\n`);
        const stop = (): void => {
          standIn.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
      (error: unknown) => {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exit(1);
      },
    );
}
