export * from './access';
export * from './user-directory';
export * from './tenant-modules';
