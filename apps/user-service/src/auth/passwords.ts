import bcrypt from 'bcrypt';

/** bcrypt cost 12 (SPEC section 7): about a quarter of a second per hash on this hardware. */
export const BCRYPT_COST = 12;

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, BCRYPT_COST);
export const verifyPassword = (password: string, hash: string): Promise<boolean> => bcrypt.compare(password, hash);

/**
 * A real hash to compare against when the account does not exist, so that "no such user" takes
 * as long as "wrong password" and the response time reveals nothing.
 */
let dummyHash: Promise<string> | null = null;
export const burnPasswordCheck = async (password: string): Promise<false> => {
  dummyHash ??= bcrypt.hash('engage-timing-equaliser', BCRYPT_COST);
  await bcrypt.compare(password, await dummyHash);
  return false;
};
