import { randomUUID } from 'node:crypto';
import type { DealStageChangedEvent, DealView } from '@engage/contracts';
import { callEntry, dealStageEntry, usableTime } from './timeline-entries';

describe('timeline entries from events', () => {
  it('names each final call status in the subject', () => {
    const base = { call_id: randomUUID(), contact_id: randomUUID(), owner_id: randomUUID(), to: '+14155550100', duration_s: null, disposition: null, has_recording: false, ended_at: '2026-03-01T10:00:00Z' };
    expect((['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const).map((outcome) => callEntry({ ...base, outcome }).subject)).toEqual([
      'Call completed',
      'Call not answered: busy',
      'Call not answered',
      'Call failed',
      'Call canceled',
    ]);
  });

  it('keeps only times PostgreSQL would take, so a bad one falls back to the event’s own', () => {
    expect(usableTime('2026-03-01T10:00:00.123Z')).toBe('2026-03-01T10:00:00.123Z');
    for (const bad of [null, undefined, 42, '', 'yesterday', '2026-13-45T99:00:00Z', '10:00']) expect(usableTime(bad)).toBeNull();
  });

  it('keeps a stage change subject within 200 characters', () => {
    const long = 'x'.repeat(150);
    const change: DealStageChangedEvent = {
      deal_id: randomUUID(),
      pipeline_id: randomUUID(),
      from_stage: long,
      to_stage: long,
      changed_by: null,
      changed_at: '2026-03-01T10:00:00Z',
      deal: { name: 'D', contact_id: null, company_id: null, amount: null, currency: 'USD' } as DealView,
    };
    const entry = dealStageEntry(change);
    expect(entry.subject).toHaveLength(200);
    expect(entry).toMatchObject({ type: 'deal_stage_changed', deal_id: change.deal_id, payload: { from_stage: long, to_stage: long } });
  });
});
