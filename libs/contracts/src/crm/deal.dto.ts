import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import type { CustomFieldValues } from './custom-field-value';
import { PageInfoView } from './contact.dto';
import { NAME_MAX, NonBlankText } from './text.validators';
import { PlainDataMap } from '../common/plain-map';

/** An exact decimal as a string: up to 15 integer digits and 4 decimals (never a float). */
export const AMOUNT_PATTERN = /^-?(0|[1-9]\d{0,14})(\.\d{1,4})?$/;
const DATE_ONLY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const DealSorts = ['created_at', '-created_at', 'updated_at', '-updated_at', 'name', '-name'] as const;
export type DealSort = (typeof DealSorts)[number];

class DealFields {
  @ApiPropertyOptional({ example: '12345.67', description: 'Exact decimal string' })
  @IsOptional()
  @Matches(AMOUNT_PATTERN, { message: 'amount must be a decimal string like "12345.67"' })
  amount?: string | null;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code like USD' })
  currency?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Defaults to the tenant’s default pipeline' })
  @IsOptional()
  @IsUUID()
  pipeline_id?: string;

  @ApiPropertyOptional({ example: 'lead', description: 'A stage key of the pipeline; defaults to its first stage' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,49}$/, { message: 'stage must be a stage key' })
  stage?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'Defaults to the stage’s probability' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  probability?: number;

  @ApiPropertyOptional({ example: '2026-12-31', nullable: true })
  @IsOptional()
  @Matches(DATE_ONLY, { message: 'expected_close_date must be a date YYYY-MM-DD' })
  expected_close_date?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  owner_id?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  contact_id?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  company_id?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @PlainDataMap()
  custom_fields?: CustomFieldValues;
}

export class CreateDealRequest extends DealFields {
  @ApiProperty({ maxLength: NAME_MAX })
  @NonBlankText(NAME_MAX)
  name: string;
}

export class UpdateDealRequest extends DealFields {
  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @NonBlankText(NAME_MAX)
  name?: string;
}

export class ListDealsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() pipeline_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9_]{0,49}$/, { message: 'stage must be a stage key' }) stage?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() owner_id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() contact_id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() company_id?: string;
  @ApiPropertyOptional({ enum: DealSorts, default: '-created_at' }) @IsOptional() @IsIn(DealSorts) sort?: DealSort;
}

export class DealView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String, example: '12345.67' }) amount: string | null;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ format: 'uuid' }) pipeline_id: string;
  @ApiProperty() stage: string;
  @ApiProperty() probability: number;
  @ApiProperty({ nullable: true, type: String, example: '2026-12-31' }) expected_close_date: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) owner_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) contact_id: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) company_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) custom_fields: CustomFieldValues;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() version: number;
}

export class DealPage {
  @ApiProperty({ type: [DealView] }) data: DealView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class DealStageChangeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) deal_id: string;
  @ApiProperty({ format: 'uuid' }) pipeline_id: string;
  @ApiProperty({ nullable: true, type: String }) from_stage: string | null;
  @ApiProperty() to_stage: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) changed_by: string | null;
  @ApiProperty({ format: 'date-time' }) changed_at: string;
}

export class DealStageHistory {
  @ApiProperty({ type: [DealStageChangeView] }) data: DealStageChangeView[];
}

export class DealIdCommand {
  @IsUUID()
  id: string;
}

export class UpdateDealCommand extends UpdateDealRequest {
  @IsUUID()
  id: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}

export class DeleteDealCommand extends DealIdCommand {
  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}

