import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The runtime role, as tools/infra/provision.mjs names it (ADR 0008 makes the same assumption for identity). */
const RUNTIME_ROLE = 'telephony_app';
const GLOBAL_TABLES = ['telephony.phone_numbers', 'telephony.national_dnc_lists'];

/**
 * The phone-number registry (SPEC section 5: global, not tenant data). `national_dnc_lists` holds
 * one row per national Do-Not-Call file an operator loaded: its date and the E.164 prefixes it
 * covers (a North American area code 415 is the prefix `+1415`). `phone_numbers` holds one row per
 * number the registry knows: country and line type from libphonenumber, the carrier when known,
 * and its national status as decided by the newest list covering it (`national_dnc_list_id`), so a
 * number listed in March and absent from April's list of the same area code is clear as of April.
 * A number that has no row but lies under a list's prefixes is clear as of that list's date.
 *
 * Neither table has a tenant, so neither has row-level security; instead the runtime role may only
 * read them. The one writer is `npm run dnc:import`, which connects as the owner role.
 */
export class PhoneRegistry1795232000000 implements MigrationInterface {
  name = 'PhoneRegistry1795232000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE telephony.national_dnc_lists (
      id uuid PRIMARY KEY,
      list_date date NOT NULL,
      source_file text NOT NULL,
      content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
      prefixes text[] NOT NULL CHECK (array_to_string(prefixes, ',') ~ '^\\+[1-9][0-9]{0,14}(,\\+[1-9][0-9]{0,14})*$'),
      number_count integer NOT NULL CHECK (number_count >= 0),
      invalid_count integer NOT NULL CHECK (invalid_count >= 0),
      loaded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT national_dnc_lists_content_date_key UNIQUE (content_sha256, list_date))`);
    await q.query(`CREATE INDEX national_dnc_lists_prefixes_idx ON telephony.national_dnc_lists USING gin (prefixes)`);
    // "C" collation: a prefix of numbers is a plain range of the primary key.
    await q.query(`CREATE TABLE telephony.phone_numbers (
      e164 text COLLATE "C" PRIMARY KEY CHECK (e164 ~ '^\\+[1-9][0-9]{6,14}$'),
      country text,
      line_type text,
      carrier text,
      national_dnc_listed boolean NOT NULL DEFAULT false,
      national_dnc_list_id uuid REFERENCES telephony.national_dnc_lists (id),
      national_dnc_list_date date,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT phone_numbers_list_check CHECK ((national_dnc_list_id IS NULL) = (national_dnc_list_date IS NULL)
        AND (national_dnc_list_id IS NOT NULL OR NOT national_dnc_listed)))`);
    for (const table of GLOBAL_TABLES) {
      // The default privileges gave the runtime role every row operation on new tables: take them back.
      await q.query(`REVOKE ALL ON ${table} FROM ${RUNTIME_ROLE}`);
      await q.query(`GRANT SELECT ON ${table} TO ${RUNTIME_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE telephony.phone_numbers`);
    await q.query(`DROP TABLE telephony.national_dnc_lists`);
  }
}
