import { DomainError } from '@engage/errors';

/** The domain error `promise` rejects with (fails the test when it resolves or throws something else). */
export async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a domain error, but the call succeeded');
}
