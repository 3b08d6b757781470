import { Injectable } from '@nestjs/common';
import {
  type ActivityMentionCreatedEvent,
  type ContactCreatedEvent,
  type ContactDeletedEvent,
  type ContactMergedEvent,
  type ContactUpdatedEvent,
  type ContactView,
  type DealDeletedEvent,
  type DealEvent,
  type DealUpdatedEvent,
  type DealView,
  type EventEnvelope,
  Events,
  type GmailConnectionChangedEvent,
} from '@engage/contracts';
import type { Tx } from '@engage/database';
import { OnEvent } from '@engage/messaging';
import { InboxService } from '../inbox/inbox.service';
import { RecordOwners } from './record-owners';

const contactName = (c: ContactView): string => [c.first_name, c.last_name].filter(Boolean).join(' ').trim() || (c.emails?.[0] ?? 'a contact');

/**
 * Notifications from other services' events: @mentions, a Gmail mailbox that lost Google's consent, and contacts or deals given to someone
 * (created for, or reassigned to, a user other than the one who did it). The CRM events also keep
 * {@link RecordOwners} up to date, for the `activity.created` entries of the owners' streams.
 */
@Injectable()
export class InboxSourcesConsumer {
  constructor(
    private readonly inbox: InboxService,
    private readonly owners: RecordOwners,
  ) {}

  @OnEvent(Events.activity.mentionCreated, { durable: 'notification-mentions', versions: 'every' })
  async onMention(tx: Tx, event: EventEnvelope<ActivityMentionCreatedEvent>): Promise<void> {
    const m = event.payload;
    await this.inbox.notify(tx, event.tenant_id, m.mentioned_user_id, {
      kind: 'mention',
      title: m.subject ? `You were mentioned in ${m.activity_type} “${m.subject}”` : `You were mentioned in a ${m.activity_type}`,
      body: m.excerpt,
      data: { activity_id: m.activity_id, activity_type: m.activity_type, author_id: m.author_id, contact_id: m.contact_id, deal_id: m.deal_id, company_id: m.company_id },
      sourceKey: `mention:${m.activity_id}`,
    });
  }

  /** Google refused a user's Gmail grant: their mail stops syncing until they connect again, so they are told (once per loss). */
  @OnEvent(Events.activity.gmailConnectionChanged, { durable: 'notification-gmail-connections', versions: 'every' })
  async onGmailConnectionChanged(tx: Tx, event: EventEnvelope<GmailConnectionChangedEvent>): Promise<void> {
    const c = event.payload;
    if (c.change !== 'needs_reconsent') return;
    await this.inbox.notify(tx, event.tenant_id, c.user_id, {
      kind: 'gmail_reconsent',
      title: `Reconnect your Gmail (${c.email_address})`,
      body: 'Google no longer lets Engage read this mailbox (access was revoked or expired), so new mail is not reaching your contacts’ timelines. Connect it again under Integrations.',
      data: { email_address: c.email_address, reason: c.reason },
      sourceKey: `event:${event.id}`,
    });
  }

  @OnEvent(Events.crm.contactCreated, { durable: 'notification-contacts-created' })
  async onContactCreated(tx: Tx, event: EventEnvelope<ContactCreatedEvent>): Promise<void> {
    const contact = event.payload.contact;
    await this.owners.set(tx, event.tenant_id, 'contact', contact.id, contact.owner_id);
    // Contacts of an import are announced by the import's own notification, not one each.
    if (!event.payload.import_id) await this.assignedContact(tx, event, contact);
  }

  @OnEvent(Events.crm.contactUpdated, { durable: 'notification-contacts-updated' })
  async onContactUpdated(tx: Tx, event: EventEnvelope<ContactUpdatedEvent>): Promise<void> {
    const contact = event.payload.contact;
    await this.owners.set(tx, event.tenant_id, 'contact', contact.id, contact.owner_id);
    if (event.payload.changed.includes('owner_id')) await this.assignedContact(tx, event, contact);
  }

  @OnEvent(Events.crm.contactMerged, { durable: 'notification-contacts-merged' })
  async onContactMerged(tx: Tx, event: EventEnvelope<ContactMergedEvent>): Promise<void> {
    await this.owners.remove(tx, event.tenant_id, 'contact', event.payload.merged_id);
    await this.owners.set(tx, event.tenant_id, 'contact', event.payload.contact.id, event.payload.contact.owner_id);
  }

  @OnEvent(Events.crm.contactDeleted, { durable: 'notification-contacts-deleted' })
  async onContactDeleted(tx: Tx, event: EventEnvelope<ContactDeletedEvent>): Promise<void> {
    await this.owners.remove(tx, event.tenant_id, 'contact', event.payload.contact_id);
  }

  @OnEvent(Events.crm.dealCreated, { durable: 'notification-deals-created' })
  async onDealCreated(tx: Tx, event: EventEnvelope<DealEvent>): Promise<void> {
    await this.owners.set(tx, event.tenant_id, 'deal', event.payload.deal.id, event.payload.deal.owner_id);
    await this.assignedDeal(tx, event, event.payload.deal);
  }

  @OnEvent(Events.crm.dealUpdated, { durable: 'notification-deals-updated' })
  async onDealUpdated(tx: Tx, event: EventEnvelope<DealUpdatedEvent>): Promise<void> {
    await this.owners.set(tx, event.tenant_id, 'deal', event.payload.deal.id, event.payload.deal.owner_id);
    if (event.payload.changed.includes('owner_id')) await this.assignedDeal(tx, event, event.payload.deal);
  }

  @OnEvent(Events.crm.dealDeleted, { durable: 'notification-deals-deleted' })
  async onDealDeleted(tx: Tx, event: EventEnvelope<DealDeletedEvent>): Promise<void> {
    await this.owners.remove(tx, event.tenant_id, 'deal', event.payload.deal_id);
  }

  /** Someone other than the new owner gave them the contact. */
  private async assignedContact(tx: Tx, event: EventEnvelope<unknown>, contact: ContactView): Promise<void> {
    if (!contact.owner_id || contact.owner_id === event.actor_id) return;
    await this.inbox.notify(tx, event.tenant_id, contact.owner_id, {
      kind: 'assignment',
      title: `Contact assigned to you: ${contactName(contact)}`,
      body: '',
      data: { contact_id: contact.id, assigned_by: event.actor_id },
      sourceKey: `event:${event.id}`,
    });
  }

  private async assignedDeal(tx: Tx, event: EventEnvelope<unknown>, deal: DealView): Promise<void> {
    if (!deal.owner_id || deal.owner_id === event.actor_id) return;
    await this.inbox.notify(tx, event.tenant_id, deal.owner_id, {
      kind: 'assignment',
      title: `Deal assigned to you: ${deal.name}`,
      body: '',
      data: { deal_id: deal.id, assigned_by: event.actor_id },
      sourceKey: `event:${event.id}`,
    });
  }
}
