import { Messaging1795225762748 } from './1795225762748-Messaging';
import { MessagingRetention1795229000000 } from './1795229000000-MessagingRetention';
import { Notifications1795260000000 } from './1795260000000-Notifications';
import { Webhooks1795270000000 } from './1795270000000-Webhooks';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225762748, MessagingRetention1795229000000, Notifications1795260000000, Webhooks1795270000000];
