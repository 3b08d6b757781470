import { messagingTablesMigration } from '@engage/messaging';

/** The outbox, inbox and applied-versions tables every service uses for its events, with RLS. */
export const Messaging1795225761304 = messagingTablesMigration('identity', 1795225761304);
