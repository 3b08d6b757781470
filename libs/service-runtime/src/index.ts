export * from './tokens';
export * from './service-definition';
export * from './runtime.module';
export * from './runtime.lifecycle';
export * from './bootstrap';
export * from './migrate-cli';
export * from './with-timeout';
export * from './event-consumers';
