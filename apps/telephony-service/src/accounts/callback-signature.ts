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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID (the ids our callback URLs carry). */
export const isUuid = (value: string | null | undefined): value is string => !!value && UUID.test(value);

/**
 * The ids a callback URL we gave Twilio carries (`?tenant=<uuid>&<idParam>=<uuid>`, signed with
 * the rest of the URL), when it was posted to `path`; null for any other path or malformed ids, a
 * callback for nothing of ours. `query` has the URL's other parameters (a call's `leg`).
 */
export function callbackIds(pathAndQuery: string, path: string, idParam: string): { tenantId: string; id: string; query: URLSearchParams } | null {
  const url = new URL(pathAndQuery, 'http://callback.invalid');
  const tenantId = url.searchParams.get('tenant');
  const id = url.searchParams.get(idParam);
  if (url.pathname !== path || !isUuid(tenantId) || !isUuid(id)) return null;
  return { tenantId, id, query: url.searchParams };
}
