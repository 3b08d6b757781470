import type { ArgumentMetadata } from '@nestjs/common';
import { CreateActivityRequest, ListActivitiesQuery, UpdateActivityCommand } from '@engage/contracts';
import { DomainError } from '@engage/errors';
import { createValidationPipe } from '@engage/messaging';

const pipe = createValidationPipe();
const as = (metatype: ArgumentMetadata['metatype'], type: ArgumentMetadata['type'] = 'body'): ArgumentMetadata => ({ type, metatype });
const id = '0194f1c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f';

async function refusedFields(work: Promise<unknown>): Promise<string[]> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError && error.status === 400) return Object.keys((error.details as { fields: object }).fields);
    throw error;
  }
  throw new Error('expected a 400, but the payload was accepted');
}

/** What reaches activity-service is validated against the contracts: whitelists, limits, formats. */
describe('activity requests', () => {
  it('accepts a note, a meeting in the past and a task with its fields', async () => {
    await expect(pipe.transform({ type: 'note', body: 'x'.repeat(10_000) }, as(CreateActivityRequest))).resolves.toBeInstanceOf(CreateActivityRequest);
    await expect(pipe.transform({ type: 'meeting', body: 'Lunch', subject: 'Q2', occurred_at: '2026-02-28T12:30:00.123+01:00', contact_id: id }, as(CreateActivityRequest))).resolves.toBeDefined();
    await expect(pipe.transform({ type: 'task', body: 'Call', due_at: '2026-03-01T09:00:00Z', assignee_id: id, done: false }, as(CreateActivityRequest))).resolves.toBeDefined();
  });

  it.each([
    ['a body over 10,000 characters', { type: 'note', body: 'x'.repeat(10_001) }, 'body'],
    ['a blank body', { type: 'note', body: '   ' }, 'body'],
    ['no body', { type: 'note' }, 'body'],
    ['a body with a NUL', { type: 'note', body: 'a\u0000b' }, 'body'],
    ['a recorded type', { type: 'call', body: 'x' }, 'type'],
    ['an unknown type', { type: 'memo', body: 'x' }, 'type'],
    ['a contact id that is no UUID', { type: 'note', body: 'x', contact_id: 'abc' }, 'contact_id'],
    ['a subject over 200 characters', { type: 'note', body: 'x', subject: 's'.repeat(201) }, 'subject'],
    ['a date without a zone', { type: 'task', body: 'x', due_at: '2026-03-01T09:00:00' }, 'due_at'],
    ['a date that does not exist', { type: 'task', body: 'x', due_at: '2026-02-30T09:00:00Z' }, 'due_at'],
    ['a date far outside the calendar', { type: 'meeting', body: 'x', occurred_at: '+275760-09-13T00:00:00Z' }, 'occurred_at'],
    ['a date only', { type: 'meeting', body: 'x', occurred_at: '2026-03-01' }, 'occurred_at'],
    ['done that is no boolean', { type: 'task', body: 'x', done: 'yes' }, 'done'],
    ['an unknown field', { type: 'note', body: 'x', owner_id: id }, 'owner_id'],
    ['a source event id', { type: 'note', body: 'x', source_event_id: id }, 'source_event_id'],
  ])('refuses %s (400 on that field)', async (_what, payload, field) => {
    expect(await refusedFields(pipe.transform(payload, as(CreateActivityRequest)))).toContain(field);
  });

  it('refuses a type change and bad ids in an edit', async () => {
    expect(await refusedFields(pipe.transform({ id, type: 'task' }, as(UpdateActivityCommand)))).toEqual(['type']);
    expect(await refusedFields(pipe.transform({ id: 'nope', body: 'x' }, as(UpdateActivityCommand)))).toEqual(['id']);
  });

  it('refuses list filters that are no ids or types, and limits outside 1–200', async () => {
    for (const [query, field] of [
      [{ contact_id: 'x' }, 'contact_id'],
      [{ deal_id: '1' }, 'deal_id'],
      [{ company_id: `${id}0` }, 'company_id'],
      [{ type: 'fax' }, 'type'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '201' }, 'limit'],
      [{ cursor: 'c'.repeat(600) }, 'cursor'],
    ] as const) {
      expect(await refusedFields(pipe.transform(query, as(ListActivitiesQuery, 'query')))).toEqual([field]);
    }
    await expect(pipe.transform({ contact_id: id, type: 'call', limit: '20' }, as(ListActivitiesQuery, 'query'))).resolves.toMatchObject({ limit: 20 });
  });
});
