import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A TOTP code is accepted once: the users table remembers the 30-second step of the last code
 * accepted, and a code of that step or an earlier one is refused (RFC 6238 §5.2).
 */
export class MfaCodeOnce1795228500000 implements MigrationInterface {
  name = 'MfaCodeOnce1795228500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity"."users" ADD "mfa_last_step" bigint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity"."users" DROP COLUMN "mfa_last_step"`);
  }
}
