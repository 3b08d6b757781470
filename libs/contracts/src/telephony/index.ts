export * from './compliance.dto';
export * from './call.dto';
export * from './telephony.events';
