import { connect, type Socket } from 'node:net';
import { e2eStack } from '@engage/testing';

/**
 * Slow clients (slowloris): headers or a JSON body trickled a few bytes at a time must not hold a
 * connection. The gateway closes such a connection after its headers or body timeout (10 s by
 * default), where it used to keep it for 30 s and more.
 */
jest.setTimeout(60_000);

const LIMIT_MS = 10_000;
/** Node checks its timeouts once a second; allow that and a loaded machine. */
const SLACK_MS = 4_000;

interface Trickle {
  closedAfterMs: number;
  received: string;
}

/** Opens a raw connection, sends `head`, then one byte of `drip` every `everyMs` until the server closes it. */
function trickle(head: string, drip: string, everyMs: number): Promise<Trickle> {
  const { hostname, port } = new URL(e2eStack.gatewayUrl());
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`still open after 40 s; received ${JSON.stringify(received)}`));
    }, 40_000);
    const socket: Socket = connect(Number(port), hostname, () => {
      socket.write(head);
      let i = 0;
      timer = setInterval(() => {
        if (!socket.writable) return;
        socket.write(drip[i++ % drip.length]);
      }, everyMs);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - started, received });
    });
  });
}

describe('slow clients', () => {
  it('closes a connection whose headers arrive a byte at a time', async () => {
    const result = await trickle('POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: a\r\n', 500);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(LIMIT_MS - 1000);
    expect(result.closedAfterMs).toBeLessThan(LIMIT_MS + SLACK_MS);
    expect(result.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers 408 and closes a connection whose JSON body arrives a byte at a time', async () => {
    const head = 'POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"tenant":"';
    const result = await trickle(head, 'a', 500);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(LIMIT_MS - 1000);
    expect(result.closedAfterMs).toBeLessThan(LIMIT_MS + SLACK_MS);
    expect(result.received).toMatch(/^HTTP\/1\.1 408/);
    expect(result.received).toContain('"error":"timeout"');
  });

  it('still serves a request whose body arrives at an ordinary pace', async () => {
    const body = JSON.stringify({ tenant: 'nobody', email: 'nobody@example.test', password: 'not the password' });
    const head = `POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const { hostname, port } = new URL(e2eStack.gatewayUrl());
    const received = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(Number(port), hostname, async () => {
        socket.write(head);
        for (let i = 0; i < body.length; i += 20) {
          socket.write(body.slice(i, i + 20));
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(received).toMatch(/^HTTP\/1\.1 401/);
  });
});
