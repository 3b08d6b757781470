export * from './test-env';
export * from './e2e-stack';
export * from './api-client';
export * from './nats-server';
export * from './test-certificates';
export * from './mail-inbox';
export * from './time-zones';
export * from './until';
