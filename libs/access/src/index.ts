export * from './access';
export * from './user-directory';
