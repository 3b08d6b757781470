import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets an import refresh the planner's statistics of the tables it fills. A bulk load can take a
 * tenant from nothing to a million contacts in a minute, faster than autovacuum's analyze follows
 * (and some servers run without autovacuum). Planned against the empty table's statistics, the
 * duplicate check walks every contact of the tenant for each email, and the import slows to a
 * crawl as it grows. ANALYZE needs the table's owner, so the runtime role gets this one function,
 * running as the owner, and nothing more.
 */
export class ImportStatistics1795228400000 implements MigrationInterface {
  name = 'ImportStatistics1795228400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION "crm"."refresh_contact_statistics"() RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
      BEGIN
        ANALYZE "crm"."contacts";
        ANALYZE "crm"."contact_channels";
        ANALYZE "crm"."name_vocabulary";
        ANALYZE "crm"."companies";
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION "crm"."refresh_contact_statistics"() FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION "crm"."refresh_contact_statistics"() TO "crm_app"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "crm"."refresh_contact_statistics"()`);
  }
}
