export * from './account.dto';
export * from './compliance.dto';
export * from './call.dto';
export * from './phone-number.dto';
export * from './sms.dto';
export * from './telephony.events';
