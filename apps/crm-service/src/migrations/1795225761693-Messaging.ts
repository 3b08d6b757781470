import { messagingTablesMigration } from '@engage/messaging';

/** The outbox, inbox and applied-versions tables every service uses for its events, with RLS. */
export const Messaging1795225761693 = messagingTablesMigration('crm', 1795225761693);
