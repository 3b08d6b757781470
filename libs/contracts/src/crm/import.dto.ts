import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBase64, IsIn, IsInt, IsObject, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { BoundedText } from './text.validators';

/** Contact fields a CSV column can be mapped to (`custom_fields.<key>` too). */
export const ImportTargets = [
  'first_name',
  'last_name',
  'full_name',
  'email',
  'phone',
  'company',
  'title',
  'lifecycle_stage',
  'lead_score',
  'tags',
  'source',
  'timezone',
  'notes',
  'ignore',
] as const;
export type ImportTarget = (typeof ImportTargets)[number];

export const DuplicatePolicies = ['update', 'skip', 'create'] as const;
export type DuplicatePolicy = (typeof DuplicatePolicies)[number];

export const ImportStatuses = ['receiving', 'queued', 'processing', 'completed', 'failed'] as const;
export type ImportStatus = (typeof ImportStatuses)[number];

/** Options of `POST /v1/contacts/import` (query string, or a `mapping` form field before the file). */
export class ImportOptionsQuery {
  @ApiPropertyOptional({
    description: 'JSON object: CSV header → contact field (first_name, last_name, full_name, email, phone, company, title, ' +
      'lifecycle_stage, lead_score, tags, source, timezone, notes, ignore, custom_fields.<key>). Unmapped headers are matched by name.',
    example: '{"Given name":"first_name","E-mail":"email"}',
  })
  @IsOptional()
  @BoundedText(10_000)
  mapping?: string;

  @ApiPropertyOptional({ enum: DuplicatePolicies, default: 'update', description: 'What a row whose email or phone already exists does' })
  @IsOptional()
  @IsIn(DuplicatePolicies)
  on_duplicate?: DuplicatePolicy;

  @ApiPropertyOptional({ example: 'US', description: 'Region of phone numbers given in national format' })
  @IsOptional()
  @BoundedText(2)
  default_country?: string;
}

export class CreateImportCommand {
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string>;

  @IsOptional()
  @IsIn(DuplicatePolicies)
  on_duplicate?: DuplicatePolicy;

  @IsOptional()
  @BoundedText(2)
  default_country?: string;

  @IsOptional()
  @BoundedText(255)
  filename?: string;
}

export class AppendImportCommand {
  @IsUUID()
  id: string;

  /** 0, 1, 2… in file order; a repeated sequence number replaces the chunk (retries are safe). */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  seq: number;

  /** Base64 of the raw bytes (the file's encoding is decided when it is parsed). */
  @IsBase64()
  data: string;
}

export class ImportIdCommand {
  @IsUUID()
  id: string;
}

export class ImportErrorsCommand {
  @IsUUID()
  id: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after_row?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

export class ImportRowErrorView {
  @ApiProperty({ description: '1-based data row number (the header is row 0)' }) row: number;
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, type: String, description: 'The field at fault, when there is one' }) field: string | null;
}

export class ImportErrorPage {
  @ApiProperty({ type: [ImportRowErrorView] }) data: ImportRowErrorView[];
  @ApiProperty() has_more: boolean;
}

export class ImportView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ImportStatuses }) status: ImportStatus;
  @ApiProperty({ nullable: true, type: String }) filename: string | null;
  @ApiProperty() received_bytes: number;
  @ApiProperty() processed: number;
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty() skipped: number;
  @ApiProperty() failed: number;
  @ApiProperty({ type: [ImportRowErrorView], description: 'The first 100 row errors; all of them at errors_url' }) errors: ImportRowErrorView[];
  @ApiProperty({ description: 'Where the errors can be downloaded as CSV' }) errors_url: string;
  @ApiProperty({ nullable: true, type: String }) message: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) created_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) started_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at: string | null;
}

export class ImportAccepted {
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty({ enum: ImportStatuses }) status: ImportStatus;
}
