import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { Server } from 'ws';
import type { Logger } from '@engage/logging';

/**
 * Nest's `ws` adapter on the gateway's own HTTP server (the one Fastify listens with): upgrade
 * requests for `/v1/realtime` become WebSockets, on the same port as the REST API. Two changes to
 * the stock adapter:
 *
 * - the largest client frame comes from configuration (the `ws` library closes a socket that
 *   sends a larger one with 1009 before buffering it);
 * - frames are not parsed by Nest (the realtime protocol is `{"type":…}`, not Nest's
 *   `{"event","data"}`): each socket's session parses its own frames, and a client's error (a
 *   frame too large, a bad UTF-8 sequence) is logged as the client's, not as ours.
 */
export class RealtimeWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly maxPayload: number,
    private readonly log: Logger,
  ) {
    super(app, { messageParser: () => undefined });
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}) {
    return super.create(port, { ...options, maxPayload: this.maxPayload, perMessageDeflate: false }) as Server;
  }

  override bindErrorHandler(server: Server) {
    server.on('connection', (ws) => ws.on('error', (error: Error) => this.log.debug({ err: error.message }, 'realtime: client socket error')));
    server.on('error', (error: Error) => this.log.error({ err: error }, 'realtime: server error'));
    return server;
  }
}
