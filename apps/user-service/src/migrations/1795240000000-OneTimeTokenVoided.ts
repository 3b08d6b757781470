import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reset and invitation links can be voided before use: issuing or using a link voids the user's
 * other open links, and so does a change of the user's email address.
 */
export class OneTimeTokenVoided1795240000000 implements MigrationInterface {
  name = 'OneTimeTokenVoided1795240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity"."one_time_tokens" ADD "voided_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity"."one_time_tokens" DROP COLUMN "voided_at"`);
  }
}
