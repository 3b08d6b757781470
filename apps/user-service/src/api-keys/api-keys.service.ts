import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type ApiKeyView,
  type CreateApiKeyRequest,
  type CreatedApiKeyView,
  Events,
  lesserRole,
  type VerifyApiKeyReply,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase } from '@engage/database';
import { NotFoundError, UnauthorizedError, ValidationError } from '@engage/errors';
import { OutboxWriter } from '@engage/messaging';
import { assertAllowed } from '@engage/access';
import { issueScopedToken, tenantOfScopedToken } from '../auth/scoped-token';
import { sha256 } from '../crypto/secret-box';
import { recordEvent } from '../identity-events';
import { effectiveModules } from '../billing/entitlements';
import { ModuleNotEnabledError } from '../billing/entitlement-errors';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import { toApiKeyView } from '../views';
import { ApiKeysRepository } from './api-keys.repository';

/** Keys for integrations: shown once, stored hashed, acting with a chosen role, revocable. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async list(ctx: RequestContext): Promise<{ data: ApiKeyView[] }> {
    assertAllowed(ctx, 'api_keys', 'read');
    await this.assertModuleEnabled(ctx.tenantId);
    const rows = await this.db.transaction(ctx.tenantId, (tx) => this.keys.list(tx, ctx.tenantId));
    return { data: rows.map(toApiKeyView) };
  }

  async create(ctx: RequestContext, input: CreateApiKeyRequest): Promise<CreatedApiKeyView> {
    assertAllowed(ctx, 'api_keys', 'create');
    await this.assertModuleEnabled(ctx.tenantId);
    const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new ValidationError('The expiry must be in the future.', { fields: { expires_at: ['must be in the future'] } });
    }
    const key = issueScopedToken('ek', ctx.tenantId);
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const row = await this.keys.insert(tx, {
        tenantId: ctx.tenantId,
        id: randomUUID(),
        name: input.name.trim(),
        // The random tail tells keys apart (the head is the same for every key of a tenant).
        prefix: `ek_…${key.slice(-6)}`,
        keyHash: sha256(key),
        role: input.role,
        createdBy: ctx.userId,
        expiresAt,
      });
      await recordEvent(this.outbox, tx, ctx, Events.user.apiKeyCreated, { id: row.id }, {
        api_key_id: row.id,
        name: row.name,
        role: row.role,
      });
      return { ...toApiKeyView(row), key };
    });
  }

  async revoke(ctx: RequestContext, id: string): Promise<ApiKeyView> {
    assertAllowed(ctx, 'api_keys', 'delete');
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const existing = await this.keys.find(tx, ctx.tenantId, id);
      if (!existing) throw new NotFoundError('API key', id);
      const row = await this.keys.revoke(tx, ctx.tenantId, id);
      await recordEvent(this.outbox, tx, ctx, Events.user.apiKeyRevoked, { id }, { api_key_id: id });
      return toApiKeyView(row);
    });
  }

  /**
   * API keys are a module of the plan (pro and up): without it keys can be neither listed nor
   * made (403 module_not_enabled); revoking stays possible, so a downgraded tenant can clean up.
   */
  private async assertModuleEnabled(tenantId: string): Promise<void> {
    const tenant = await this.db.transaction(tenantId, (tx) => this.tenants.find(tx, tenantId));
    if (!tenant || !effectiveModules(tenant, new Date()).includes('api_keys')) throw new ModuleNotEnabledError('api_keys');
  }

  /** Called by the gateway for `Authorization: Bearer ek_…`. The key's creator must still be active. */
  async verify(_ctx: RequestContext, key: string): Promise<VerifyApiKeyReply> {
    const tenantId = tenantOfScopedToken('ek', key);
    const invalid = new UnauthorizedError('The API key is not valid.');
    if (!tenantId) throw invalid;
    const reply = await this.db.transaction(tenantId, async (tx) => {
      const row = await this.keys.findByHash(tx, tenantId, sha256(key));
      if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
      const creator = await this.users.findById(tx, tenantId, row.createdBy);
      if (!creator?.isActive) return null;
      await this.keys.touch(tx, tenantId, row.id);
      // A key never outranks its creator as they are now: demoting a user demotes their keys.
      return { api_key_id: row.id, tenant_id: tenantId, user_id: row.createdBy, role: lesserRole(row.role, creator.role) };
    });
    if (!reply) throw invalid;
    return reply;
  }
}
