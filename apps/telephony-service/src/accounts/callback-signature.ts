import type { TwilioWebhookCommand } from '@engage/contracts';
import { ForbiddenError } from '@engage/errors';
import type { Logger } from '@engage/logging';

/**
 * What every Twilio webhook does with a signature that did not verify: 403 and nothing changed,
 * with a warning that names the path only (never the query, the fields or the signature).
 */
export function assertSignature(verified: boolean, logger: Logger, what: string, input: TwilioWebhookCommand): void {
  if (verified) return;
  logger.warn({ path: input.url.split('?')[0] }, `${what} refused: bad or missing signature`);
  throw new ForbiddenError('The callback signature does not verify.');
}
