export * from './data-source';
export * from './tenant-database';
export * from './rls';
export * from './migrate';
export * from './time-ordered-id';
export * from './named-parameters';
export * from './tx';
export * from './sql';
