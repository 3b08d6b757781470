import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The role of an import's creator: a rep's import may update only the rep's own contacts. */
export class ImportCreatorRole1795227083809 implements MigrationInterface {
  name = 'ImportCreatorRole1795227083809';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "imports" ADD "created_by_role" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "imports" DROP COLUMN "created_by_role"`);
  }
}
