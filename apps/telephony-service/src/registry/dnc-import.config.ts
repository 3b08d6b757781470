import { IsOptional, IsString } from 'class-validator';

/** What `dnc-import.js` reads from the environment: the owner role's URL, as the migration job has it. */
export class DncImportConfig {
  @IsOptional()
  @IsString()
  MIGRATION_DATABASE_URL?: string;
}
