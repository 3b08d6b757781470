import { Injectable } from '@nestjs/common';
import { type ContactChannel, Events } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import { TenantDatabase, timeOrderedId, type Tx } from '@engage/database';
import { BusinessRuleError } from '@engage/errors';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { NationalDncCheck } from '../registry/national-dnc-check';
import { ComplianceRepository } from './compliance.repository';
import type { PhoneNumber } from './phone-number';
import { zonesOutsideCallingHours } from './quiet-hours';
import { recipientZones } from './recipient-zones';
import { TenantModules } from './tenant-modules';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Who is being reached and by whom: the contact's timezone decides quiet hours; the rest is for the audit of a refusal. */
export interface GateRecipient {
  timezone?: string | null;
  contactId?: string | null;
  actorId?: string | null;
}

/**
 * The one decision every outbound call and text goes through (SPEC sections 4 and 5): not on the
 * tenant's Do-Not-Call list, a valid consent of the channel's type, 08:00–21:00 where the
 * recipient is, and under the tenant's frequency caps. It runs inside the caller's transaction:
 * a refusal rolls everything back, and an allowed attempt is recorded in the same transaction
 * that creates the call or text, so the caps count what was really placed.
 */
@Injectable()
export class ComplianceGate {
  constructor(
    private readonly compliance: ComplianceRepository,
    private readonly modules: TenantModules,
    private readonly db: TenantDatabase,
    private readonly outbox: OutboxWriter,
    private readonly nationalDnc: NationalDncCheck,
  ) {}

  /**
   * Refuses (422 with the SPEC code and details) or records the attempt. A refusal is audited as
   * `evt.telephony.compliance.refused` in a transaction of its own, since the caller's rolls back.
   */
  async assertMayContact(tx: Tx, tenantId: string, number: PhoneNumber, channel: ContactChannel, now: Date, recipient: GateRecipient = {}): Promise<void> {
    try {
      await this.decide(tx, tenantId, number, channel, now, recipient);
    } catch (error) {
      if (error instanceof BusinessRuleError) await this.auditRefusal(tenantId, number, channel, now, recipient, error);
      throw error;
    }
  }

  private async auditRefusal(tenantId: string, number: PhoneNumber, channel: ContactChannel, now: Date, recipient: GateRecipient, refusal: BusinessRuleError): Promise<void> {
    const ctx = systemContext({ tenantId, userId: recipient.actorId ?? null }) as TenantContext;
    await this.db.transaction(tenantId, (audit) =>
      this.outbox.append(audit, ctx, [
        outboxEvent(Events.telephony.complianceRefused, {
          aggregateId: timeOrderedId(),
          version: 0,
          payload: {
            channel,
            phone: number.e164,
            contact_id: recipient.contactId ?? null,
            code: refusal.code,
            details: refusal.details ?? {},
            refused_at: now.toISOString(),
          },
        }),
      ]),
    );
  }

  private async decide(tx: Tx, tenantId: string, number: PhoneNumber, channel: ContactChannel, now: Date, recipient: GateRecipient): Promise<void> {
    if (!(await this.modules.enabled(tenantId)).includes('telephony')) {
      throw new BusinessRuleError('module_not_enabled', 'Telephony is not enabled for this account.', { module: 'telephony' });
    }
    if (await this.compliance.isOnDnc(tx, tenantId, number.e164)) {
      throw new BusinessRuleError('do_not_call', 'The number is on the Do-Not-Call list.', { phone: number.e164 });
    }
    // National registry: listed → do_not_call; no current scrub → dnc_scrub_stale (src/registry).
    await this.nationalDnc.assertNationallyClear(tx, number, now);
    if (!(await this.compliance.hasValidConsent(tx, tenantId, number.e164, channel, now))) {
      throw new BusinessRuleError('no_consent', `There is no valid ${channel} consent for this number.`, { phone: number.e164, type: channel });
    }
    const zones = recipientZones(number, recipient.timezone);
    if (zones.length === 0) {
      throw new BusinessRuleError('quiet_hours', 'The recipient’s local time is unknown, so calling hours cannot be confirmed.', {
        phone: number.e164,
        zones: [],
      });
    }
    const outside = zonesOutsideCallingHours(zones, now);
    if (outside.length > 0) {
      throw new BusinessRuleError('quiet_hours', 'It is outside 08:00–21:00 where the recipient is.', { phone: number.e164, outside });
    }
    await this.compliance.lockAttempts(tx, tenantId);
    const caps = await this.compliance.caps(tx, tenantId);
    const since = new Date(now.getTime() - DAY_MS);
    const forNumber = await this.compliance.countAttemptsSince(tx, tenantId, since, number.e164);
    if (forNumber >= caps.per_number_daily_cap) {
      throw new BusinessRuleError('frequency_cap', 'This number was contacted as often as allowed in the last 24 hours.', {
        phone: number.e164,
        cap: caps.per_number_daily_cap,
        scope: 'number',
      });
    }
    const forTenant = await this.compliance.countAttemptsSince(tx, tenantId, since);
    if (forTenant >= caps.tenant_daily_cap) {
      throw new BusinessRuleError('frequency_cap', 'The account placed as many calls and texts as allowed in the last 24 hours.', {
        cap: caps.tenant_daily_cap,
        scope: 'tenant',
      });
    }
    await this.compliance.recordAttempt(tx, tenantId, timeOrderedId(), number.e164, channel, now);
  }
}
