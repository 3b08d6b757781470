import { Entity, PrimaryColumn } from 'typeorm';
import { TenantKey } from '@engage/database';

/**
 * The tenant's distinct name values, reachable by typo: each word of a first or last name is
 * stored under itself and every one-letter deletion of it (a deletion neighbourhood). A query word
 * looks up its own deletions here and gets the real names within one typo, which the contacts'
 * btree indexes then find exactly. Grows with distinct names, not with contacts.
 *
 * Why not pg_trgm or a GIN index: under row-level security PostgreSQL uses a condition as an index
 * condition only if its operator is LEAKPROOF, and LIKE, `&&` and the trigram operators are not;
 * equality and ranges on text are. So every search path here is a btree lookup.
 */
@Entity({ schema: 'crm', name: 'name_vocabulary' })
export class NameVocabularyEntity {
  @TenantKey()
  tenantId: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  variant: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  value: string;
}
