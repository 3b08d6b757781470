import { Inject, Injectable } from '@nestjs/common';
import { Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { DomainError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';

/** The fields of an activity that name a CRM record. */
export type LinkField = 'contact_id' | 'deal_id' | 'company_id';

/**
 * Contacts, deals and companies belong to crm-service; this is the one way the timeline asks
 * whether one exists. Asked as the caller, so another tenant's record (or a deleted one) is absent.
 */
export abstract class CrmRecords {
  abstract exists(ctx: RequestContext, field: LinkField, id: string): Promise<boolean>;
}

const LOOKUP_TIMEOUT_MS = 3000;

@Injectable()
export class NatsCrmRecords extends CrmRecords {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  async exists(ctx: RequestContext, field: LinkField, id: string): Promise<boolean> {
    const options = { timeoutMs: LOOKUP_TIMEOUT_MS };
    try {
      if (field === 'contact_id') await this.rpc.request(Subjects.crm.contacts.get, { id }, ctx, options);
      else if (field === 'deal_id') await this.rpc.request(Subjects.crm.deals.get, { id }, ctx, options);
      else await this.rpc.request(Subjects.crm.companies.get, { id }, ctx, options);
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.status === 404) return false;
      throw error;
    }
  }
}
