import { Messaging1795225762430 } from './1795225762430-Messaging';
import { MessagingRetention1795229000000 } from './1795229000000-MessagingRetention';
import { Timeline1795240000000 } from './1795240000000-Timeline';
import { AuditTrail1795250000000 } from './1795250000000-AuditTrail';
import { GmailSync1795280000000 } from './1795280000000-GmailSync';
import { GmailSettings1795281000000 } from './1795281000000-GmailSettings';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225762430, MessagingRetention1795229000000, Timeline1795240000000, AuditTrail1795250000000, GmailSync1795280000000, GmailSettings1795281000000];
