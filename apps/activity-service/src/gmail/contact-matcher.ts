import { Inject, Injectable } from '@nestjs/common';
import { MATCH_EMAILS_MAX, Subjects } from '@engage/contracts';
import { systemContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';

/**
 * Which contacts of a tenant carry which email addresses. Contacts belong to crm-service: a
 * mailbox sync asks once per page of messages, for every participant of the page.
 */
export abstract class ContactMatcher {
  /** Contact ids by address (normalised as normaliseEmailForMatching gives it); absent = no contact. */
  abstract match(tenantId: string, emails: readonly string[]): Promise<Map<string, string[]>>;
}

@Injectable()
export class NatsContactMatcher extends ContactMatcher {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {
    super();
  }

  async match(tenantId: string, emails: readonly string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    for (let i = 0; i < emails.length; i += MATCH_EMAILS_MAX) {
      const reply = await this.rpc.request(Subjects.crm.contacts.matchEmails, { emails: emails.slice(i, i + MATCH_EMAILS_MAX) }, systemContext({ tenantId }), { timeoutMs: 10_000 });
      for (const m of reply.matches) found.set(m.email, [...(found.get(m.email) ?? []), m.contact_id]);
    }
    return found;
  }
}
