import { Messaging1795225762099 } from './1795225762099-Messaging';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225762099];
