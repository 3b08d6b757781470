import 'reflect-metadata';
export * from './common/headers';
export * from './common/errors';
export * from './common/roles';
export * from './common/pagination';
export * from './common/plain-map';
export * from './email-normalise';
export * from './subjects';
export * from './system/system.subjects';
export * from './system/system.dto';
export * from './events/event-envelope';
export * from './common/permissions';
export { AuthRedisKeys, ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S } from './identity/identity.subjects';
export * from './identity/identity.events';
export * from './identity/jwks.dto';
export * from './identity/identity.dto';
export * from './crm';
export * from './telephony';
// new:service exports
