import { type EmptyRequest, type EventEnvelope, Events, rpcSubject, Subjects, type TenantEvent } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import type { Tx } from '@engage/database';
import { OnEvent } from './consumer/on-event.decorator';
import { outboxEvent } from './outbox/outbox-writer';
import { Handles } from './rpc/handles.decorator';
import type { RpcClient } from './rpc/rpc-client';

/**
 * The typed contracts are checked by the compiler: each `@ts-expect-error` below is a mismatch
 * that must not compile. If one of them ever compiles, `tsc` (part of `npm test`) fails on the
 * unused directive, so these lines are tests that can fail.
 */
declare const rpc: RpcClient;
declare const ctx: RequestContext;

// Type-level cases only: the function is compiled, never called.
export async function typeLevelCases(): Promise<void> {
  // The reply type follows from the subject.
  const contact = await rpc.request(Subjects.crm.contacts.get, { id: 'c1' }, ctx);
  const version: number = contact.version;
  // @ts-expect-error a contact has no `stages`: the reply is a ContactView, not a pipeline
  void contact.stages;
  // @ts-expect-error the payload of contacts.get needs an id
  await rpc.request(Subjects.crm.contacts.get, { name: 'x' }, ctx);
  // @ts-expect-error a payload for another subject
  await rpc.request(Subjects.user.users.get, { first_name: 'Ada' }, ctx);

  // Events: the payload must be the event's.
  outboxEvent(Events.crm.contactDeleted, { aggregateId: 'c1', version, payload: { contact_id: 'c1' } });
  // @ts-expect-error contactDeleted carries contact_id, not a deal
  outboxEvent(Events.crm.contactDeleted, { aggregateId: 'c1', version, payload: { deal_id: 'd1' } });
}

class Handlers {
  @Handles(Subjects.crm.pipelines.list)
  list(_request: EmptyRequest) {
    return Promise.resolve({ data: [] });
  }

  // @ts-expect-error the handler returns a number where the subject promises a UserView
  @Handles(Subjects.user.users.get)
  get(_request: { id: string }) {
    return 42;
  }

  @OnEvent(Events.user.tenantCreated, { durable: 'type-test' })
  async onTenant(_tx: Tx, _event: EventEnvelope<TenantEvent>) {}

  // @ts-expect-error a handler written for another event's payload
  @OnEvent(Events.crm.contactMerged, { durable: 'type-test-2' })
  async onMerged(_tx: Tx, _event: EventEnvelope<{ deal_id: number }>) {}
}

describe('typed contracts', () => {
  it('carries only the subject string at run time', () => {
    expect(Subjects.crm.contacts.get).toEqual({ subject: 'crm.contacts.get' });
    expect(Events.crm.contactMerged).toEqual({ subject: 'evt.crm.contact.merged', aggregate: 'contact' });
    expect(rpcSubject('x.y.z')).toEqual({ subject: 'x.y.z' });
    expect(outboxEvent(Events.crm.contactDeleted, { aggregateId: 'c1', version: 2, payload: { contact_id: 'c1' } })).toEqual({
      subject: 'evt.crm.contact.deleted',
      aggregateType: 'contact',
      aggregateId: 'c1',
      version: 2,
      payload: { contact_id: 'c1' },
    });
    expect(typeof typeLevelCases).toBe('function');
    expect(new Handlers()).toBeInstanceOf(Handlers);
  });
});
