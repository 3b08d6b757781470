export const Roles = ['admin', 'manager', 'rep'] as const;
export type Role = (typeof Roles)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (Roles as readonly string[]).includes(value);

/**
 * The less powerful of two roles (admin > manager > rep). An API key acts with the lesser of its
 * own role and its creator's current one, so demoting a user also demotes the keys they made.
 */
export const lesserRole = (a: Role, b: Role): Role => (Roles.indexOf(a) >= Roles.indexOf(b) ? a : b);
