import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import type { CustomFieldValues } from './custom-field-value';
import { PageInfoView } from './contact.dto';
import { BoundedText, NAME_MAX, NonBlankText } from './text.validators';
import { PlainDataMap } from '../common/plain-map';

export const CompanySizes = ['1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+'] as const;
export type CompanySize = (typeof CompanySizes)[number];

export const CompanySorts = ['name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at'] as const;
export type CompanySort = (typeof CompanySorts)[number];

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

class CompanyFields {
  @ApiPropertyOptional({ example: 'acme.com', nullable: true })
  @IsOptional()
  @BoundedText(253)
  @Matches(DOMAIN, { message: 'domain must be a domain name like example.com' })
  domain?: string | null;

  @ApiPropertyOptional({ maxLength: NAME_MAX, nullable: true })
  @IsOptional()
  @BoundedText(NAME_MAX)
  industry?: string | null;

  @ApiPropertyOptional({ enum: CompanySizes, nullable: true })
  @IsOptional()
  @IsIn(CompanySizes)
  size?: CompanySize | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @PlainDataMap()
  custom_fields?: CustomFieldValues;
}

export class CreateCompanyRequest extends CompanyFields {
  @ApiProperty({ maxLength: NAME_MAX, example: 'Acme Corp' })
  @NonBlankText(NAME_MAX)
  name: string;
}
export class UpdateCompanyRequest extends CompanyFields {
  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @NonBlankText(NAME_MAX)
  name?: string;
}

export class ListCompaniesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Words the name or domain contains' })
  @IsOptional()
  @BoundedText(200)
  q?: string;

  @ApiPropertyOptional({ enum: CompanySorts, default: 'name' })
  @IsOptional()
  @IsIn(CompanySorts)
  sort?: CompanySort;
}

export class CompanyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) domain: string | null;
  @ApiProperty({ nullable: true, type: String }) industry: string | null;
  @ApiProperty({ nullable: true, enum: CompanySizes }) size: CompanySize | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) owner_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) custom_fields: CustomFieldValues;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() version: number;
}

export class CompanyPage {
  @ApiProperty({ type: [CompanyView] }) data: CompanyView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class CompanyIdCommand {
  @IsUUID()
  id: string;
}

export class UpdateCompanyCommand extends UpdateCompanyRequest {
  @IsUUID()
  id: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}

export class DeleteCompanyCommand extends CompanyIdCommand {
  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}
