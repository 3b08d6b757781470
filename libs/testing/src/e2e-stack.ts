import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './test-env';

/** The providers file written by the stand-ins' process: one describe() output per stand-in. */
export type E2eProviders = { generatedAt: string } & Record<string, Record<string, string | number>>;

interface StackState {
  gatewayUrl: string;
  natsUrl: string;
  env: Record<string, Record<string, string>>;
  providers: E2eProviders;
  pids: Record<string, number>;
}

const read = (): StackState => JSON.parse(readFileSync(testEnv.e2eStateFile(), 'utf8')) as StackState;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Control over the suite booted by `npm test` for end-to-end tests: the gateway URL, and the
 * processes themselves, so a test can freeze, stop and restart a real service.
 */
export const e2eStack = {
  gatewayUrl: () => read().gatewayUrl,
  natsUrl: () => read().natsUrl,
  /**
   * A provider stand-in's URL, development credentials and control URL (e.g. `provider('twilio').authToken`),
   * so a test scripts outcomes and signs callbacks exactly as the provider does.
   */
  provider(name: string): Record<string, string | number> {
    const description = read().providers[name];
    if (typeof description !== 'object') throw new Error(`no ${name} stand-in in the e2e stack`);
    return description;
  },

  /** SIGSTOP: the service keeps its NATS subscriptions but answers nothing (requests time out). */
  pause(app: string) {
    process.kill(read().pids[app], 'SIGSTOP');
  },
  resume(app: string) {
    process.kill(read().pids[app], 'SIGCONT');
  },

  /** SIGTERM and wait: the service drains and leaves its queue group (requests find no responder). */
  async stop(app: string) {
    const pid = read().pids[app];
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 200 && alive(pid); i++) await sleep(50);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  },

  /** Starts the service again with the environment it had, and waits until the gateway sees it. */
  async start(app: string) {
    const state = read();
    const root = join(__dirname, '../../..');
    const fd = openSync(join(root, '.engage/logs', `${app}.test.log`), 'a');
    const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'src/main.js')], {
      cwd: root,
      env: { ...process.env, ...state.env[app] },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    child.unref();
    closeSync(fd);
    state.pids[app] = child.pid!;
    writeFileSync(testEnv.e2eStateFile(), JSON.stringify(state, null, 2));
    for (let i = 0; i < 300; i++) {
      const res = await fetch(`${state.gatewayUrl}/health`).catch(() => null);
      if (res?.status === 200) return;
      await sleep(100);
    }
    throw new Error(`${app} did not come back`);
  },
};
