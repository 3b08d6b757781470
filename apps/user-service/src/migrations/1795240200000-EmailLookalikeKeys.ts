import type { MigrationInterface, QueryRunner } from 'typeorm';
import { normaliseEmailForMatching } from '@engage/contracts';

/**
 * Users' email keys are recomputed with normaliseEmailForMatching (NFKC, invisible characters removed,
 * look-alike letters folded) so that sign-in, which now looks users up by that key, still finds
 * users created before. Only addresses with non-ASCII characters can have a different key. A
 * key that another user of the tenant already has is left as it was (those two accounts
 * existed before the rule; an admin decides which one stays).
 */
export class EmailLookalikeKeys1795240200000 implements MigrationInterface {
  name = 'EmailLookalikeKeys1795240200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Crosses tenants on purpose: row-level security is lifted for this transaction only.
    await queryRunner.query(`ALTER TABLE identity.users NO FORCE ROW LEVEL SECURITY`);
    const rows: Array<{ tenant_id: string; id: string; email: string; email_normalized: string }> = await queryRunner.query(
      `SELECT tenant_id, id, email, email_normalized FROM identity.users WHERE email ~ '[^\\x01-\\x7f]'`,
    );
    for (const row of rows) {
      const key = normaliseEmailForMatching(row.email);
      if (key === row.email_normalized) continue;
      await queryRunner.query(
        `UPDATE identity.users SET email_normalized = $3
          WHERE tenant_id = $1 AND id = $2
            AND NOT EXISTS (SELECT 1 FROM identity.users WHERE tenant_id = $1 AND email_normalized = $3)`,
        [row.tenant_id, row.id, key],
      );
    }
    await queryRunner.query(`ALTER TABLE identity.users FORCE ROW LEVEL SECURITY`);
  }

  async down(): Promise<void> {
    // The recomputed keys stay valid lower-case keys; nothing to undo.
  }
}
