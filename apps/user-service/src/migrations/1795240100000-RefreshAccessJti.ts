import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each refresh token remembers the access token issued with it, so revoking a refresh family
 * (reuse of a spent token, logout) revokes the family's live access tokens too.
 */
export class RefreshAccessJti1795240100000 implements MigrationInterface {
  name = 'RefreshAccessJti1795240100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity"."refresh_tokens" ADD "access_jti" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity"."refresh_tokens" DROP COLUMN "access_jti"`);
  }
}
