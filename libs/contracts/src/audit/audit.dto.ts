import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { PageInfoView } from '../crm/contact.dto';

/** Filters of GET /v1/audit (admin): newest first, keyset-paginated. */
export class ListAuditQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only what this user did' })
  @IsOptional()
  @IsUUID()
  actor_id?: string;

  @ApiPropertyOptional({ example: 'contact', description: 'Only this kind of record (contact, deal, user, call, …)' })
  @IsOptional()
  @Matches(/^[a-z][a-z_]{0,39}$/, { message: 'entity must be a lower-case record kind like contact or api_key' })
  entity?: string;

  @ApiPropertyOptional({ description: 'Only this record (with entity)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_:.+-]{1,100}$/, { message: 'entity_id must be a record id' })
  entity_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only what happened at or after this time' })
  @IsOptional()
  @IsDateString({ strict: true })
  since?: string;
}

/** One audited change: who did what to which record, when, as part of which request. */
export class AuditEntryView {
  @ApiProperty({ description: 'Position in the tenant’s chain (1, 2, …, without gaps)' }) seq: number;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time', description: 'When the change happened (the event’s time)' }) occurred_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) actor_id: string | null;
  @ApiProperty({ example: 'user-service' }) service: string;
  @ApiProperty({ example: 'contact' }) entity: string;
  @ApiProperty({ example: '0194…' }) entity_id: string;
  @ApiProperty({ example: 'contact.updated' }) action: string;
  @ApiProperty({ nullable: true, type: String }) request_id: string | null;
  @ApiProperty({ format: 'uuid', description: 'The domain event this entry records' }) source_event_id: string;
  @ApiProperty({ type: Object, description: 'What changed: the changed fields, and the record after (and before, where the event carries it); secrets removed' })
  changes: Record<string, unknown>;
  @ApiProperty({ description: 'SHA-256 (hex) of the previous entry’s hash and this entry’s canonical content' }) hash: string;
  @ApiProperty({ description: 'The previous entry’s hash (64 zeros for the first)' }) prev_hash: string;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) data: AuditEntryView[];
  @ApiProperty({ type: PageInfoView }) page: PageInfoView;
}

export class AuditBrokenRowView {
  @ApiProperty() seq: number;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['content', 'link', 'gap'], description: 'content: the row does not hash to its stored hash; link: its prev_hash is not the previous row’s hash; gap: a position is missing' })
  reason: 'content' | 'link' | 'gap';
}

/** The result of recomputing a tenant's audit chain. */
export class AuditVerifyView {
  @ApiProperty() ok: boolean;
  @ApiProperty() rows_checked: number;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: false,
    properties: {
      seq: { type: 'integer' },
      id: { type: 'string', format: 'uuid' },
      reason: { type: 'string', enum: ['content', 'link', 'gap'] },
    },
    required: ['seq', 'id', 'reason'],
    description: 'The first row where the chain breaks (null when it verifies): content = it does not hash to its stored hash; link = its prev_hash is not the previous row’s hash; gap = a position is missing',
  })
  first_broken: AuditBrokenRowView | null;
  @ApiProperty({ nullable: true, type: String, description: 'Hash of the last row checked' }) head_hash: string | null;
}
