import type { ContactView } from '@engage/contracts';
import { systemContext } from '@engage/context';
import type { TenantDatabase } from '@engage/database';
import type { OutboxWriter } from '@engage/messaging';
import type { CompaniesRepository } from '../companies/companies.repository';
import type { CustomFieldsService } from '../custom-fields/custom-fields.service';
import type { DealsRepository } from '../deals/deals.repository';
import type { ContactsRepository } from './contacts.repository';
import { ContactsService } from './contacts.service';
import { UserDirectory, type UserStanding } from '@engage/access';

/** Every user id names an active user of the tenant (who exists is user-service's business, tested end to end). */
class EveryoneActive extends UserDirectory {
  protected standing = async (): Promise<UserStanding> => 'active';
}

const contact = (over: Partial<ContactView> = {}): ContactView => ({
  id: '00000000-0000-4000-8000-000000000001',
  first_name: 'Ada',
  last_name: null,
  emails: [],
  phones: [],
  company_id: null,
  title: null,
  owner_id: 'owner',
  lifecycle_stage: 'lead',
  lead_score: 0,
  tags: [],
  source: null,
  timezone: null,
  custom_fields: {},
  notes: null,
  last_contacted_at: null,
  created_at: '',
  updated_at: '',
  deleted_at: null,
  version: 3,
  ...over,
});

/** The service with its repositories faked through their interfaces: the rules, no database. */
function serviceWith(stored: ContactView | null) {
  const written: unknown[] = [];
  const events: unknown[] = [];
  const repo: Partial<ContactsRepository> = {
    lock: async () => stored,
    findById: async () => stored,
    update: async (_tx, _t, _id, write) => {
      written.push(write);
      return { ...stored!, ...(write as object), version: stored!.version + 1 } as ContactView;
    },
    lockChannels: async () => undefined,
    findDuplicate: async () => null,
  };
  const db = { transaction: (_t: string, work: (tx: unknown) => unknown) => work({}) } as unknown as TenantDatabase;
  const outbox = { append: async (_tx: unknown, _ctx: unknown, e: unknown[]) => events.push(...e) } as unknown as OutboxWriter;
  const service = new ContactsService(
    db,
    repo as ContactsRepository,
    {} as CompaniesRepository,
    {} as DealsRepository,
    { definitionsFor: async () => [] } as unknown as CustomFieldsService,
    outbox,
    new EveryoneActive(),
  );
  return { service, written, events };
}

const ctx = (role: 'admin' | 'manager' | 'rep', userId = 'owner') => systemContext({ tenantId: '00000000-0000-4000-8000-00000000000a', userId, role });

describe('ContactsService rules', () => {
  it('answers 404 when the contact is not the tenant’s', async () => {
    const { service } = serviceWith(null);
    await expect(service.get(ctx('admin'), 'x')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(service.update(ctx('admin'), { id: 'x', title: 'y' })).rejects.toMatchObject({ status: 404 });
  });

  it('answers 412 to a stale If-Match and writes nothing', async () => {
    const { service, written, events } = serviceWith(contact());
    await expect(service.update(ctx('admin'), { id: 'x', title: 'CTO', if_match: 2 })).rejects.toMatchObject({ status: 412 });
    expect(written).toEqual([]);
    expect(events).toEqual([]);
  });

  it('refuses a rep changing someone else’s contact, and a rep reassigning their own', async () => {
    const { service } = serviceWith(contact({ owner_id: 'someone-else' }));
    await expect(service.update(ctx('rep', 'me'), { id: 'x', title: 'CTO' })).rejects.toMatchObject({ status: 403 });
    const own = serviceWith(contact({ owner_id: 'me' }));
    await expect(own.service.update(ctx('rep', 'me'), { id: 'x', owner_id: '00000000-0000-4000-8000-0000000000ff' })).rejects.toMatchObject({ status: 403 });
  });

  it('applies a manager’s reassignment and announces it with the new version', async () => {
    const { service, events } = serviceWith(contact({ owner_id: 'rep-1' }));
    const updated = await service.update(ctx('manager', 'boss'), { id: 'x', owner_id: 'rep-2', if_match: 3 });
    expect(updated).toMatchObject({ owner_id: 'rep-2', version: 4 });
    expect(events).toEqual([expect.objectContaining({ subject: 'evt.crm.contact.updated', version: 4, payload: expect.objectContaining({ changed: ['owner_id'] }) })]);
  });
});
