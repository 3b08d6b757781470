import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { createDataSource, TenantDatabase } from '@engage/database';
import { createLogger } from '@engage/logging';
import { testEnv } from '@engage/testing';
import type { UserConfig } from '../config';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysService } from './signing-keys.service';

/** Signing keys survive a replaced ENCRYPTION_KEY: the unreadable key is retired, a new one signs. */
describe('SigningKeysService', () => {
  const dataSource = createDataSource({ url: testEnv.databaseUrls('identity').app, schema: 'identity', entities: [SigningKeyEntity], applicationName: 'keys-test' });
  const logger = createLogger({ service: 'keys-test', level: 'silent' });
  const db = new TenantDatabase(dataSource);
  const serviceWith = (key: string) => new SigningKeysService(db, { ENCRYPTION_KEY: key, JWT_ISSUER: 'engage' } as UserConfig, logger);
  const kidOf = async (service: SigningKeysService) =>
    decodeProtectedHeader((await service.sign({ userId: crypto.randomUUID(), tenantId: crypto.randomUUID(), role: 'rep' })).token).kid;

  beforeAll(() => dataSource.initialize());
  afterAll(() => db.close());

  it('rotates instead of failing to start when the active key cannot be decrypted', async () => {
    const first = serviceWith(randomBytes(32).toString('base64'));
    await first.onModuleInit();
    const oldKid = await kidOf(first);

    const second = serviceWith(randomBytes(32).toString('base64'));
    await expect(second.onModuleInit()).resolves.toBeUndefined();
    const newKid = await kidOf(second);
    expect(newKid).not.toBe(oldKid);

    const retired = await dataSource.getRepository(SigningKeyEntity).findOneByOrFail({ kid: oldKid });
    expect(retired.retiredAt).not.toBeNull();
    // Both stay in the JWKS until tokens signed by the old key have expired.
    expect((await second.jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
  });
});
