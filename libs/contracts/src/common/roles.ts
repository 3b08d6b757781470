export const Roles = ['admin', 'manager', 'rep'] as const;
export type Role = (typeof Roles)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (Roles as readonly string[]).includes(value);
