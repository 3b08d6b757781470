import { Messaging1795225761693 } from './1795225761693-Messaging';
import { CrmCore1795226154161 } from './1795226154161-CrmCore';

/** Applied in this order; each one is reversible (down). */
export const migrations = [Messaging1795225761693, CrmCore1795226154161];
