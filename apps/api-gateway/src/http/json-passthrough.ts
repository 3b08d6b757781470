import type { FastifyReply } from 'fastify';

/**
 * Answers with JSON a service already wrote (RpcClient.requestJson), byte for byte: a page of
 * contacts is not parsed and serialised again on its way through the gateway.
 */
export function sendServiceJson(reply: FastifyReply, json: Uint8Array): Buffer {
  void reply.type('application/json; charset=utf-8');
  return Buffer.from(json.buffer, json.byteOffset, json.byteLength);
}
