import { Messaging1795225762748 } from './1795225762748-Messaging';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225762748];
