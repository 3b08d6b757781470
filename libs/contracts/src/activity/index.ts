export * from './activity.dto';
export * from './activity.events';
