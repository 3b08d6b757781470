import type { Provider } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { Logger } from '@engage/logging';
import { GATEWAY_LOGGER, GATEWAY_NATS } from '../infra/tokens';
import { RealtimeAuthenticator, RealtimeGateway } from './realtime.gateway';
import { UserStreams } from './user-streams';

/**
 * The realtime socket's providers. They sit in the application module beside the token verifier
 * and the access gate they use (a module of their own would not see those).
 */
export const realtimeProviders: Provider[] = [
  RealtimeAuthenticator,
  { provide: UserStreams, inject: [GATEWAY_NATS, GATEWAY_LOGGER], useFactory: (nc: NatsConnection, logger: Logger) => new UserStreams(nc, logger) },
  RealtimeGateway,
];
