import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ContactEntity } from './contact.entity';
import { TenantKey } from '@engage/database';

/**
 * One normalised email (`e:ada@example.com`) or phone (`p:+14155550123`) of a contact, plus the
 * phone's national digits reversed (`r:3210555514`, for "ends with" searches): what duplicate
 * detection and email/phone search use, through a btree that starts with the tenant ("C"
 * collation, so a prefix is a range scan).
 */
@Entity({ schema: 'crm', name: 'contact_channels' })
@Index('contact_channels_contact_idx', ['tenantId', 'contactId'])
export class ContactChannelEntity {
  @TenantKey()
  tenantId: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  value: string;

  @PrimaryColumn({ name: 'contact_id', type: 'uuid' })
  contactId: string;

  @ManyToOne(() => ContactEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'contact_channels_contact_fk' },
    { name: 'contact_id', referencedColumnName: 'id' },
  ])
  contact?: ContactEntity;
}
