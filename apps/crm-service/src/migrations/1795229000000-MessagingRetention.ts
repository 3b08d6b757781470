import { messagingRetentionMigration } from '@engage/messaging';

/** When consumer bookkeeping was written, so the retention job can delete what the stream no longer holds. */
export const MessagingRetention1795229000000 = messagingRetentionMigration('crm', 1795229000000);
