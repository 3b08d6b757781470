import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each upload last delivered a piece of its file, so that uploads given up half-way (the
 * client or the gateway went away) can be found and deleted with their chunks; the partial index
 * holds only the uploads in progress, which is all the sweep looks at.
 */
export class ImportUploadSweep1796176835341 implements MigrationInterface {
  name = 'ImportUploadSweep1796176835341';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "imports" ADD "last_chunk_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await queryRunner.query(`CREATE INDEX "imports_receiving_idx" ON "imports" ("last_chunk_at") WHERE "status" = 'receiving'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "crm"."imports_receiving_idx"`);
    await queryRunner.query(`ALTER TABLE "imports" DROP COLUMN "last_chunk_at"`);
  }
}
