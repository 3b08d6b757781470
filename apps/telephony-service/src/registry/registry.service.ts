import { Injectable } from '@nestjs/common';
import type { PhoneNumberView } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertGranted, requireTenant } from '@engage/access';
import { Clock } from '../compliance/clock';
import { normalisePhone } from '../compliance/phone-number';
import { nationalDncState } from './national-dnc-status';
import { numberFacts } from './number-facts';
import { PhoneContacts } from './phone-contacts';
import { RegistryRepository } from './registry.repository';

/**
 * `GET /v1/phone-numbers/:e164`: what the registry knows of a number (global) and which of the
 * caller's contacts carry it (tenant data, from crm-service). A number the import never wrote has
 * no row; its country and line type come from the numbering plan, and its national status from the
 * lists that cover it, exactly as the compliance gate reads them.
 */
@Injectable()
export class RegistryService {
  constructor(
    private readonly registry: RegistryRepository,
    private readonly contacts: PhoneContacts,
    private readonly clock: Clock,
  ) {}

  async get(ctx: RequestContext, e164: string): Promise<PhoneNumberView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'compliance', 'read');
    const number = normalisePhone(e164, 'e164');
    const [entry, contacts] = await Promise.all([this.registry.lookup(tctx.tenantId, number.e164), this.contacts.carrying(ctx, number.e164)]);
    const facts = entry.row ?? numberFacts(number.e164);
    return {
      e164: number.e164,
      country: facts.country ?? number.country,
      line_type: facts.line_type,
      carrier: entry.row?.carrier ?? null,
      national_dnc: nationalDncState(number.e164, entry.deciding, entry.row, this.clock.now()),
      contacts,
    };
  }
}
