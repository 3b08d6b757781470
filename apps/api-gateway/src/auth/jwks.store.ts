import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import { Subjects, type JwksReply } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';

/**
 * The public keys access tokens are verified with, fetched from user-service over NATS and kept
 * in memory: verification is local, with no hop per request. An unknown `kid` (a rotated key)
 * triggers one refetch, at most every few seconds.
 */
@Injectable()
export class JwksStore {
  private keySet: JWTVerifyGetKey | null = null;
  private kids = new Set<string>();
  private lastFetch = 0;
  private inflight: Promise<void> | null = null;

  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  /** A jose key resolver that refreshes once when it meets a key id it does not know. */
  readonly resolver: JWTVerifyGetKey = async (header, token) => {
    if (!this.keySet || (header.kid && !this.kids.has(header.kid) && Date.now() - this.lastFetch > 5_000)) {
      await this.refresh();
    }
    if (!this.keySet) throw new Error('no signing keys available');
    return this.keySet(header, token);
  };

  refresh(): Promise<void> {
    this.inflight ??= this.rpc
      .request(Subjects.user.auth.jwks, {}, systemContext(), { timeoutMs: 2000 })
      .then((jwks) => {
        this.keySet = createLocalJWKSet({ keys: jwks.keys as unknown as import('jose').JWK[] });
        this.kids = new Set(jwks.keys.map((k) => k.kid));
        this.lastFetch = Date.now();
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /** The key set as served at /.well-known/jwks.json. */
  async publicKeys(): Promise<JwksReply> {
    return this.rpc.request(Subjects.user.auth.jwks, {}, systemContext(), { timeoutMs: 2000 });
  }
}
