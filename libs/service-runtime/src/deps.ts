export type { ServiceName } from '@engage/contracts';
export type { StreamSpec } from '@engage/messaging';
