import { Messaging1795225761304 } from './1795225761304-Messaging';
import { Identity1795226023248 } from './1795226023248-Identity';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225761304, Identity1795226023248];
