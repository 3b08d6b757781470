export * from './service-kit';
export * from './event-delivery';
