import { Events, WebhookEventFilters, WebhookEventTypes } from '@engage/contracts';
import { matchesFilters, publicEventName } from './public-events';

const named = (type: string, payload: unknown = {}) => publicEventName({ type, payload });

describe('public event names', () => {
  it.each([
    [Events.crm.contactCreated.subject, 'contact.created'],
    [Events.crm.contactUpdated.subject, 'contact.updated'],
    [Events.crm.contactDeleted.subject, 'contact.deleted'],
    [Events.crm.contactMerged.subject, 'contact.merged'],
    [Events.crm.companyCreated.subject, 'company.created'],
    [Events.crm.companyUpdated.subject, 'company.updated'],
    [Events.crm.companyDeleted.subject, 'company.deleted'],
    [Events.crm.dealCreated.subject, 'deal.created'],
    [Events.crm.dealUpdated.subject, 'deal.updated'],
    [Events.crm.dealStageChanged.subject, 'deal.stage_changed'],
    [Events.crm.dealDeleted.subject, 'deal.deleted'],
    [Events.telephony.callCompleted.subject, 'call.completed'],
    [Events.telephony.smsReceived.subject, 'sms.received'],
    [Events.activity.activityCreated.subject, 'activity.created'],
  ])('%s → %s', (subject, name) => {
    expect(named(subject)).toBe(name);
  });

  it('announces an import once, when it completes', () => {
    expect(named(Events.crm.importProgress.subject, { status: 'completed' })).toBe('import.completed');
    expect(named(Events.crm.importProgress.subject, { status: 'running' })).toBeNull();
    expect(named(Events.crm.importProgress.subject, { status: 'failed' })).toBeNull();
  });

  it.each([
    Events.crm.contactRestored.subject,
    Events.crm.contactsImported.subject,
    Events.crm.pipelineCreated.subject,
    Events.telephony.callUpdated.subject,
    Events.telephony.smsSent.subject,
    Events.activity.mentionCreated.subject,
    Events.user.loginSucceeded.subject,
  ])('%s has no public name', (subject) => {
    expect(named(subject)).toBeNull();
  });

  it('every public name is reachable from some internal event', () => {
    const reached = new Set<string | null>([
      ...Object.values(Events).flatMap((group) => Object.values(group).map((e) => named(e.subject))),
      named(Events.crm.importProgress.subject, { status: 'completed' }),
    ]);
    for (const name of WebhookEventTypes) expect(reached).toContain(name);
  });
});

describe('endpoint filters', () => {
  it('matches exact names, <entity>.* and *', () => {
    expect(matchesFilters(['contact.*'], 'contact.merged')).toBe(true);
    expect(matchesFilters(['contact.*'], 'company.created')).toBe(false);
    expect(matchesFilters(['call.completed'], 'call.completed')).toBe(true);
    expect(matchesFilters(['call.completed'], 'sms.received')).toBe(false);
    expect(matchesFilters(['*'], 'deal.stage_changed')).toBe(true);
    expect(matchesFilters(['deal.created'], 'webhook.test')).toBe(true);
  });

  it('accepts as filters only public names and wildcards of their entities', () => {
    expect(WebhookEventFilters).toEqual(expect.arrayContaining(['*', 'contact.*', 'company.*', 'deal.*', 'call.*', 'sms.*', 'activity.*', 'import.*', 'call.completed']));
    expect(WebhookEventFilters).not.toContain('user.*');
    expect(WebhookEventFilters).not.toContain('contact.restored');
  });
});
