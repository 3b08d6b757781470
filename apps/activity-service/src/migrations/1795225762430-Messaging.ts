import { messagingTablesMigration } from '@engage/messaging';

/** The outbox, inbox and applied-versions tables every service uses for its events, with RLS. */
export const Messaging1795225762430 = messagingTablesMigration('activity', 1795225762430);
