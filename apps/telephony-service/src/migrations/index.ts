import { Messaging1795225762099 } from './1795225762099-Messaging';
import { MessagingRetention1795229000000 } from './1795229000000-MessagingRetention';
import { Telephony1795230000000 } from './1795230000000-Telephony';
import { Sms1795231000000 } from './1795231000000-Sms';
import { PhoneRegistry1795232000000 } from './1795232000000-PhoneRegistry';
import { CallRecordings1795233000000 } from './1795233000000-CallRecordings';
import { TwilioAccounts1795234000000 } from './1795234000000-TwilioAccounts';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225762099, MessagingRetention1795229000000, Telephony1795230000000, Sms1795231000000, PhoneRegistry1795232000000, CallRecordings1795233000000, TwilioAccounts1795234000000];
