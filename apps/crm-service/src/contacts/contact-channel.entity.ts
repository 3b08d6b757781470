import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ContactEntity } from './contact.entity';

/**
 * One normalised email (`e:ada@example.com`) or phone (`p:+14155550123`) of a contact: what
 * duplicate detection and exact lookups use, through a plain btree that starts with the tenant.
 */
@Entity({ schema: 'crm', name: 'contact_channels' })
@Index('contact_channels_contact_idx', ['tenantId', 'contactId'])
export class ContactChannelEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ type: 'text' })
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
