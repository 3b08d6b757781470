import { Messaging1795225761693 } from './1795225761693-Messaging';
import { CrmCore1795226154161 } from './1795226154161-CrmCore';
import { ImportCreatorRole1795227083809 } from './1795227083809-ImportCreatorRole';
import { BtreeSearch1795227504113 } from './1795227504113-BtreeSearch';
import { SearchCoveringIndexes1795227900000 } from './1795227900000-SearchCoveringIndexes';
import { SearchOrderedNameIndexes1795228300000 } from './1795228300000-SearchOrderedNameIndexes';
import { ImportStatistics1795228400000 } from './1795228400000-ImportStatistics';
import { ContactPurge1795228600000 } from './1795228600000-ContactPurge';
import { MessagingRetention1795229000000 } from './1795229000000-MessagingRetention';
import { ImportUploadSweep1796176835341 } from './1796176835341-ImportUploadSweep';

/** Applied in this order; each one is reversible (down). */
export const migrations = [
  Messaging1795225761693,
  CrmCore1795226154161,
  ImportCreatorRole1795227083809,
  BtreeSearch1795227504113,
  SearchCoveringIndexes1795227900000,
  SearchOrderedNameIndexes1795228300000,
  ImportStatistics1795228400000,
  ContactPurge1795228600000,
  MessagingRetention1795229000000,
  ImportUploadSweep1796176835341,
];
