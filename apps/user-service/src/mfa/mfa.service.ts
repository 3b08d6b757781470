import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { authenticator } from 'otplib';
import { SecretBox } from '@engage/config';
import { Events, type MfaActivatedView, type MfaEnrollView } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { TenantDatabase, type Tx } from '@engage/database';
import { ConflictError, DomainError, NotFoundError } from '@engage/errors';
import { OutboxWriter } from '@engage/messaging';
import { SERVICE_CONFIG } from '@engage/service-runtime';
import type { UserConfig } from '../config';
import { sha256 } from '../crypto/secret-box';
import { recordEvent } from '../identity-events';
import { type UserRow, UsersRepository } from '../users/users.repository';

authenticator.options = { window: 1 };
const RECOVERY_CODES = 10;

const invalidCode = () => new DomainError('invalid_code', 400, 'The code is not valid.');

/** TOTP second factor: enrol (secret stored encrypted), activate with a code, recovery codes, disable. */
@Injectable()
export class MfaService {
  private readonly box: SecretBox;

  constructor(
    private readonly db: TenantDatabase,
    private readonly users: UsersRepository,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: UserConfig,
  ) {
    this.box = new SecretBox(config.ENCRYPTION_KEY);
  }

  async enroll(ctx: TenantContext): Promise<MfaEnrollView> {
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const user = await this.requireUser(tx, ctx);
      if (user.mfaEnabled) throw new ConflictError('Two-factor sign-in is already on; turn it off first to enrol again.');
      const secret = authenticator.generateSecret();
      await this.users.update(tx, ctx.tenantId, user.id, { mfaSecretEnc: this.box.encrypt(secret, ctx.tenantId) });
      return { secret, otpauth_url: authenticator.keyuri(user.email, 'Engage', secret) };
    });
  }

  async activate(ctx: TenantContext, code: string): Promise<MfaActivatedView> {
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const user = await this.requireUser(tx, ctx);
      if (user.mfaEnabled) throw new ConflictError('Two-factor sign-in is already on.');
      if (!user.mfaSecretEnc) throw new DomainError('mfa_not_enrolled', 400, 'Enrol first: request a secret, add it to your authenticator, then confirm a code.');
      if (!(await this.spendTotpCode(tx, user, code))) throw invalidCode();
      const codes = Array.from({ length: RECOVERY_CODES }, () => randomBytes(5).toString('hex'));
      const updated = await this.users.update(tx, ctx.tenantId, user.id, { mfaEnabled: true, recoveryCodeHashes: codes.map(sha256) });
      await recordEvent(this.outbox, tx, ctx, Events.user.mfaEnabled, { id: user.id, version: updated.version }, { user_id: user.id });
      return { recovery_codes: codes };
    });
  }

  async disable(ctx: TenantContext, code: string): Promise<{ mfa_enabled: false }> {
    return this.db.transaction(ctx.tenantId, async (tx) => {
      const user = await this.requireUser(tx, ctx);
      if (!user.mfaEnabled) return { mfa_enabled: false as const };
      if (!(await this.verifyLoginCode(tx, user, code))) throw invalidCode();
      const updated = await this.users.update(tx, ctx.tenantId, user.id, { mfaEnabled: false, mfaSecretEnc: null, recoveryCodeHashes: [] });
      await recordEvent(this.outbox, tx, ctx, Events.user.mfaDisabled, { id: user.id, version: updated.version }, { user_id: user.id });
      return { mfa_enabled: false as const };
    });
  }

  /** A current TOTP code not used before, or an unused recovery code (either is then spent). */
  async verifyLoginCode(tx: Tx, user: UserRow, code: string): Promise<boolean> {
    if (!user.mfaEnabled || !user.mfaSecretEnc) return false;
    if (/^\d{6}$/.test(code)) return this.spendTotpCode(tx, user, code);
    // Decided by the database, not by the copy of the user read earlier: a code is spent once.
    return this.users.spendRecoveryCode(tx, user.tenantId, user.id, sha256(code.trim().toLowerCase()));
  }

  /** A current code (one step of clock drift either way) not used before; it is then spent. */
  private async spendTotpCode(tx: Tx, user: UserRow, code: string): Promise<boolean> {
    if (!user.mfaSecretEnc || !/^\d{6}$/.test(code)) return false;
    const delta = authenticator.checkDelta(code, this.box.decrypt(user.mfaSecretEnc, user.tenantId));
    if (delta === null) return false;
    const step = Math.floor(Date.now() / 1000 / authenticator.allOptions().step) + delta;
    return this.users.spendTotpStep(tx, user.tenantId, user.id, step);
  }

  private async requireUser(tx: Tx, ctx: TenantContext): Promise<UserRow> {
    const user = await this.users.findByIdForUpdate(tx, ctx.tenantId, ctx.userId!);
    if (!user) throw new NotFoundError('User');
    return user;
  }
}
