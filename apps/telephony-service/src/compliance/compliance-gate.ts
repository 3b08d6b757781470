import { Injectable } from '@nestjs/common';
import { type ContactChannel, Events } from '@engage/contracts';
import { systemContext, type TenantContext } from '@engage/context';
import { TenantDatabase, timeOrderedId, type Tx } from '@engage/database';
import { BusinessRuleError } from '@engage/errors';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { NationalDncCheck } from '../registry/national-dnc-check';
import { ComplianceRepository } from './compliance.repository';
import type { PhoneNumber } from './phone-number';
import { decideContact, type GateFacts } from './gate-decision';
import { recipientZones } from './recipient-zones';
import { TenantModules } from '@engage/access';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Who is being reached and by whom: the contact's timezone decides quiet hours; the rest is for the audit of a refusal. */
export interface GateRecipient {
  timezone?: string | null;
  contactId?: string | null;
  actorId?: string | null;
}

/**
 * The one decision every outbound call and text goes through (SPEC sections 4 and 5; the rules
 * themselves are the pure decideContact). It runs inside the caller's transaction:
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

  /**
   * Gathers the facts and decides (gate-decision.ts). The tenant's attempts are locked before they
   * are counted, until the caller's transaction ends, so counting and recording an attempt cannot
   * interleave between two requests: ten parallel calls against a cap of three place exactly three.
   */
  private async decide(tx: Tx, tenantId: string, number: PhoneNumber, channel: ContactChannel, now: Date, recipient: GateRecipient): Promise<void> {
    const since = new Date(now.getTime() - DAY_MS);
    const telephonyEnabled = (await this.modules.enabled(tenantId)).includes('telephony');
    await this.compliance.lockAttempts(tx, tenantId);
    const facts: GateFacts = {
      phone: number.e164,
      channel,
      telephonyEnabled,
      onInternalDnc: await this.compliance.isOnDnc(tx, tenantId, number.e164),
      national: await this.nationalDnc.state(tx, number, now),
      consent: await this.compliance.latestConsent(tx, tenantId, number.e164, channel),
      zones: recipientZones(number, recipient.timezone),
      attempts: {
        number: await this.compliance.countAttemptsSince(tx, tenantId, since, number.e164),
        tenant: await this.compliance.countAttemptsSince(tx, tenantId, since),
      },
      caps: await this.compliance.caps(tx, tenantId),
    };
    const refusal = decideContact(facts, now);
    if (refusal) throw new BusinessRuleError(refusal.code, refusal.message, refusal.details);
    await this.compliance.recordAttempt(tx, tenantId, timeOrderedId(), number.e164, channel, now);
  }
}
