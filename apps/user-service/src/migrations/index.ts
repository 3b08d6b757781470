import { Messaging1795225761304 } from './1795225761304-Messaging';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225761304];
