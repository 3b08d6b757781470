import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsNotIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { RESERVED_KEYS } from '../common/plain-map';
import { BoundedText, NAME_MAX, NonBlankText } from './text.validators';

export const CustomFieldObjects = ['contact', 'company', 'deal'] as const;
export type CustomFieldObject = (typeof CustomFieldObjects)[number];

export const CustomFieldTypes = ['text', 'number', 'date', 'boolean', 'single_select', 'multi_select'] as const;
export type CustomFieldType = (typeof CustomFieldTypes)[number];

export class CreateCustomFieldRequest {
  @ApiProperty({ enum: CustomFieldObjects })
  @IsIn(CustomFieldObjects)
  object_type: CustomFieldObject;

  @ApiProperty({ example: 'industry_segment', description: 'Key used in `custom_fields` (lowercase, digits, _)' })
  @Matches(/^[a-z][a-z0-9_]{0,62}$/, { message: 'key must be lowercase letters, digits and _ (max 63), starting with a letter' })
  @IsNotIn(RESERVED_KEYS, { message: 'key may not be a reserved name such as constructor or prototype' })
  key: string;

  @ApiProperty({ maxLength: NAME_MAX })
  @NonBlankText(NAME_MAX)
  label: string;

  @ApiProperty({ enum: CustomFieldTypes })
  @IsIn(CustomFieldTypes)
  type: CustomFieldType;

  @ApiPropertyOptional({ type: [String], description: 'Allowed values of a single or multi select' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @BoundedText(NAME_MAX, { each: true })
  options?: string[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  required?: boolean;
}

export class ListCustomFieldsQuery {
  @ApiPropertyOptional({ enum: CustomFieldObjects })
  @IsOptional()
  @IsIn(CustomFieldObjects)
  object_type?: CustomFieldObject;
}

export class CustomFieldIdCommand {
  @IsUUID()
  id: string;
}

export class CustomFieldView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CustomFieldObjects }) object_type: CustomFieldObject;
  @ApiProperty() key: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: CustomFieldTypes }) type: CustomFieldType;
  @ApiProperty({ type: [String] }) options: string[];
  @ApiProperty() required: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class CustomFieldList {
  @ApiProperty({ type: [CustomFieldView] }) data: CustomFieldView[];
}
