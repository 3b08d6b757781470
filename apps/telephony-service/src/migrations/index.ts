import { Messaging1795225762099 } from './1795225762099-Messaging';
import { MessagingRetention1795229000000 } from './1795229000000-MessagingRetention';
import { Telephony1795230000000 } from './1795230000000-Telephony';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225762099, MessagingRetention1795229000000, Telephony1795230000000];
