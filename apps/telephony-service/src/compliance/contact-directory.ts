import { Inject, Injectable } from '@nestjs/common';
import { Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { DomainError, NotFoundError } from '@engage/errors';
import { RpcClient } from '@engage/messaging';

/** What telephony needs of a contact: who owns it, the number to dial and where it lives. */
export interface ContactForContact {
  id: string;
  owner_id: string | null;
  primary_phone: string | null;
  timezone: string | null;
}

/** Contacts belong to crm-service; this is the one way telephony reads them (as the caller, so another tenant's contact is a 404). */
export abstract class ContactDirectory {
  /** The contact, or 404 when the caller's tenant has no such contact. */
  abstract find(ctx: RequestContext, contactId: string): Promise<ContactForContact>;
}

@Injectable()
export class CrmContactDirectory extends ContactDirectory {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  async find(ctx: RequestContext, contactId: string): Promise<ContactForContact> {
    try {
      const contact = await this.rpc.request(Subjects.crm.contacts.get, { id: contactId }, ctx, { timeoutMs: 3000 });
      const primary = contact.phones.find((p) => p.is_primary) ?? contact.phones[0];
      return { id: contact.id, owner_id: contact.owner_id, primary_phone: primary?.number ?? null, timezone: contact.timezone };
    } catch (error) {
      if (error instanceof DomainError && error.status === 404) throw new NotFoundError('Contact', contactId);
      throw error;
    }
  }
}
