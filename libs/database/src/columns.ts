import { Column, PrimaryColumn } from 'typeorm';

/**
 * The columns every service's tables share, declared once: the tenant and id keys of a tenant
 * table, references to other records (uuid) and points in time (timestamptz). Entities describe
 * tables for migration generation and the completeness check; the services read and write with SQL.
 */

/** First half of every tenant table's key; row-level security filters on it. */
export const TenantKey = () => PrimaryColumn({ name: 'tenant_id', type: 'uuid' });

/** The record's own id (a UUID), second half of the key. */
export const IdKey = () => PrimaryColumn({ type: 'uuid' });

/** A reference to another record by id. */
export const Ref = (name: string, options: { nullable?: boolean } = {}) => Column({ name, type: 'uuid', nullable: options.nullable ?? false });

/** A point in time; `now` makes it default to the time of the insert. */
export const At = (name: string, options: { nullable?: boolean; now?: boolean } = {}) =>
  Column({ name, type: 'timestamptz', nullable: options.nullable ?? false, ...(options.now ? { default: () => 'now()' } : {}) });

/** A tenant's record keyed by (tenant_id, id): the base of most entities. */
export abstract class TenantRecord {
  @TenantKey()
  tenantId: string;

  @IdKey()
  id: string;
}
