import { Inject, Injectable } from '@nestjs/common';
import { type PhoneNumberContactView, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';

/**
 * The caller's contacts that carry a number. Contacts belong to crm-service, which answers as the
 * caller (same tenant, same role), so another tenant's contacts can never appear.
 */
export abstract class PhoneContacts {
  abstract carrying(ctx: RequestContext, e164: string): Promise<PhoneNumberContactView[]>;
}

@Injectable()
export class CrmPhoneContacts extends PhoneContacts {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  async carrying(ctx: RequestContext, e164: string): Promise<PhoneNumberContactView[]> {
    const reply = await this.rpc.request(Subjects.crm.contacts.findByPhone, { phone: e164 }, ctx, { timeoutMs: 3000 });
    return reply.data.map((c) => ({ id: c.id, first_name: c.first_name, last_name: c.last_name, owner_id: c.owner_id }));
  }
}
