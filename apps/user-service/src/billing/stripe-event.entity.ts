import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Stripe events already applied, by event id: Stripe delivers at least once (and the stand-in
 * on purpose twice), so a delivery whose id is here changes nothing. Written in the same
 * transaction as the event's effect. Global (Stripe's ids are unique across tenants); the
 * runtime role may only read and insert.
 */
@Entity({ schema: 'identity', name: 'stripe_events' })
export class StripeEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ type: 'text' })
  type: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
