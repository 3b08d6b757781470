import 'reflect-metadata';
import { loadConfig } from '@engage/config';
import { createLogger } from '@engage/logging';
import { createGateway } from './bootstrap';
import { GatewayConfig } from './config';

async function main() {
  const config = loadConfig(GatewayConfig);
  const logger = createLogger({ service: 'api-gateway', level: config.LOG_LEVEL });
  const app = await createGateway(config, logger);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref());
  }
  await app.listen(config.PORT, '0.0.0.0');
  logger.info({ port: config.PORT }, 'api-gateway ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
