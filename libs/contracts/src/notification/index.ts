export * from './realtime';
export * from './notification.dto';
export * from './notification.subjects';
export * from './webhooks.dto';
