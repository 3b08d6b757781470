import { Messaging1795225761693 } from './1795225761693-Messaging';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225761693];
