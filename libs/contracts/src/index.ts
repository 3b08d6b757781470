import 'reflect-metadata';
export * from './common/headers';
export * from './common/errors';
export * from './common/roles';
export * from './common/pagination';
export * from './system/system.subjects';
export * from './system/system.dto';
export * from './events/event-envelope';
