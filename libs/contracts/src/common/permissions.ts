import type { Role } from './roles';

/**
 * The permission matrix (SPEC section 5): resource × action → what each role may do.
 * `any` = every record of the tenant, `own` = records the caller owns or is assigned,
 * `false` = nothing. The gateway checks it before forwarding; the owning service checks it
 * again, with ownership, before acting.
 */
export type Grant = 'any' | 'own' | false;
export type Action = 'read' | 'create' | 'update' | 'delete';
export const Resources = [
  'tenant',
  'users',
  'api_keys',
  'billing',
  'contacts',
  'companies',
  'deals',
  'pipelines',
  'custom_fields',
  'imports',
  'calls',
  'sms',
  'compliance',
  'activities',
  'audit',
  'notifications',
  'webhooks',
  'integrations',
  'system',
] as const;
export type Resource = (typeof Resources)[number];

type Row = Record<Action, Grant>;
const all: Row = { read: 'any', create: 'any', update: 'any', delete: 'any' };
const none: Row = { read: false, create: false, update: false, delete: false };
const readOnly: Row = { read: 'any', create: false, update: false, delete: false };
/** Reads everything, creates, changes and deletes only what it owns. */
const owner: Row = { read: 'any', create: 'any', update: 'own', delete: 'own' };

export const PERMISSIONS: Record<Role, Record<Resource, Row>> = {
  admin: Object.fromEntries(
    (['tenant', 'users', 'api_keys', 'billing', 'contacts', 'companies', 'deals', 'pipelines', 'custom_fields', 'imports', 'calls', 'sms', 'compliance', 'activities', 'audit', 'notifications', 'webhooks', 'integrations', 'system'] as const).map((r) => [r, all]),
  ) as Record<Resource, Row>,
  manager: {
    tenant: readOnly,
    users: readOnly,
    api_keys: none,
    billing: none,
    contacts: all,
    companies: all,
    deals: all,
    pipelines: all,
    custom_fields: readOnly,
    imports: all,
    calls: all,
    sms: all,
    compliance: all,
    activities: all,
    audit: none,
    notifications: { read: 'own', create: false, update: 'own', delete: false },
    /** Issue 19: managers run integrations too (endpoints, rotation, redelivery). */
    webhooks: all,
    integrations: { read: 'own', create: 'own', update: 'own', delete: 'own' },
    system: none,
  },
  rep: {
    tenant: readOnly,
    users: readOnly,
    api_keys: none,
    billing: none,
    contacts: owner,
    companies: owner,
    deals: owner,
    pipelines: readOnly,
    custom_fields: readOnly,
    imports: { read: 'own', create: 'any', update: false, delete: false },
    calls: owner,
    sms: owner,
    compliance: { read: 'any', create: 'any', update: false, delete: false },
    activities: owner,
    audit: none,
    notifications: { read: 'own', create: false, update: 'own', delete: false },
    webhooks: none,
    integrations: { read: 'own', create: 'own', update: 'own', delete: 'own' },
    system: none,
  },
};

export const grantFor = (role: Role | null | undefined, resource: Resource, action: Action): Grant =>
  role ? PERMISSIONS[role][resource][action] : false;
