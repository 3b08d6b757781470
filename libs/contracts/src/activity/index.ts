export * from './activity.dto';
export * from './activity.events';
export * from './gmail.dto';
