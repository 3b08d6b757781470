import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { NAME_MAX, NonBlankText } from './text.validators';

export class PipelineStageInput {
  @ApiProperty({ example: 'proposal', description: 'Stable key deals refer to' })
  @Matches(/^[a-z][a-z0-9_]{0,49}$/, { message: 'key must be lowercase letters, digits and _ (max 50), starting with a letter' })
  key: string;

  @ApiProperty({ example: 'Proposal', maxLength: NAME_MAX })
  @NonBlankText(NAME_MAX)
  name: string;

  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(0)
  @Max(1000)
  order: number;

  @ApiProperty({ example: 50, minimum: 0, maximum: 100 })
  @IsInt()
  @Min(0)
  @Max(100)
  probability: number;
}

export class CreatePipelineRequest {
  @ApiProperty({ maxLength: NAME_MAX })
  @NonBlankText(NAME_MAX)
  name: string;

  @ApiProperty({ type: [PipelineStageInput] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PipelineStageInput)
  stages: PipelineStageInput[];
}

export class UpdatePipelineRequest {
  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @NonBlankText(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ type: [PipelineStageInput], description: 'Replaces the stages; a stage that deals are in cannot be removed' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PipelineStageInput)
  stages?: PipelineStageInput[];
}

export class UpdatePipelineCommand extends UpdatePipelineRequest {
  @IsUUID()
  id: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  if_match?: number;
}

export class PipelineStageView {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() order: number;
  @ApiProperty() probability: number;
}

export class PipelineView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() is_default: boolean;
  @ApiProperty({ type: [PipelineStageView] }) stages: PipelineStageView[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() version: number;
}

export class PipelineList {
  @ApiProperty({ type: [PipelineView] }) data: PipelineView[];
}

/** SPEC section 5: the pipeline every tenant starts with. */
export const DEFAULT_PIPELINE: { name: string; stages: PipelineStageView[] } = {
  name: 'Sales',
  stages: [
    { key: 'lead', name: 'Lead', order: 1, probability: 10 },
    { key: 'qualified', name: 'Qualified', order: 2, probability: 25 },
    { key: 'proposal', name: 'Proposal', order: 3, probability: 50 },
    { key: 'negotiation', name: 'Negotiation', order: 4, probability: 75 },
    { key: 'closed_won', name: 'Closed won', order: 5, probability: 100 },
    { key: 'closed_lost', name: 'Closed lost', order: 6, probability: 0 },
  ],
};
