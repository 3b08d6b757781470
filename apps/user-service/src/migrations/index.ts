import { Messaging1795225761304 } from './1795225761304-Messaging';
import { Identity1795226023248 } from './1795226023248-Identity';
import { MfaCodeOnce1795228500000 } from './1795228500000-MfaCodeOnce';
import { MessagingRetention1795229000000 } from './1795229000000-MessagingRetention';
import { OneTimeTokenVoided1795240000000 } from './1795240000000-OneTimeTokenVoided';
import { RefreshAccessJti1795240100000 } from './1795240100000-RefreshAccessJti';
import { EmailLookalikeKeys1795240200000 } from './1795240200000-EmailLookalikeKeys';
import { Billing1795250000000 } from './1795250000000-Billing';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225761304, Identity1795226023248, MfaCodeOnce1795228500000, MessagingRetention1795229000000, OneTimeTokenVoided1795240000000, RefreshAccessJti1795240100000, EmailLookalikeKeys1795240200000, Billing1795250000000];
