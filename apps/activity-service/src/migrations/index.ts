import { Messaging1795225762430 } from './1795225762430-Messaging';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225762430];
