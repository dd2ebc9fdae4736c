import { isCookieError, type CookieError } from '../../src/errors.js';

/** The CookieError a promise rejects with; any other outcome fails the test. */
export async function failure(promise: Promise<unknown>): Promise<CookieError> {
  try {
    await promise;
  } catch (error) {
    if (isCookieError(error)) return error;
    throw error;
  }
  throw new Error('expected a CookieError, the call succeeded');
}

/** The CookieError a function throws; any other outcome fails the test. */
export function caught(fn: () => unknown): CookieError {
  try {
    fn();
  } catch (error) {
    if (isCookieError(error)) return error;
    throw error;
  }
  throw new Error('expected a CookieError, nothing was thrown');
}
