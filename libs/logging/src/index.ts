export * from './logger';
export * from './nest-logger';
export type { Logger } from 'pino';
