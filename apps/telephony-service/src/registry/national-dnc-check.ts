import { Injectable } from '@nestjs/common';
import type { Tx } from '@engage/database';
import { BusinessRuleError } from '@engage/errors';
import type { PhoneNumber } from '../compliance/phone-number';
import { MAX_SCRUB_AGE_DAYS, nationalDncState } from './national-dnc-status';
import { RegistryRepository } from './registry.repository';

/**
 * The national Do-Not-Call part of the compliance gate (SPEC section 4): a number the deciding
 * national list names is refused with `do_not_call`; a number that needs a scrub (every +1 number,
 * and any number a loaded list covers) is refused with `dnc_scrub_stale` when no list covers it or
 * the deciding list is more than 31 days old at the gate's clock.
 */
@Injectable()
export class NationalDncCheck {
  constructor(private readonly registry: RegistryRepository) {}

  async assertNationallyClear(tx: Tx, number: PhoneNumber, now: Date): Promise<void> {
    const entry = await this.registry.lookupInTx(tx, number.e164);
    const state = nationalDncState(number.e164, entry.deciding, entry.row, now);
    if (state.status === 'listed') {
      throw new BusinessRuleError('do_not_call', 'The number is on the national Do-Not-Call registry.', {
        phone: number.e164,
        list: 'national',
        list_date: state.list_date,
      });
    }
    if (state.scrub_required && state.stale) {
      const message = state.list_date
        ? `The number was last checked against the national Do-Not-Call registry on ${state.list_date}, more than ${MAX_SCRUB_AGE_DAYS} days ago.`
        : 'No national Do-Not-Call list loaded here covers this number, so it cannot be checked.';
      throw new BusinessRuleError('dnc_scrub_stale', message, { phone: number.e164, scrubbed_at: state.list_date, max_age_days: MAX_SCRUB_AGE_DAYS });
    }
  }
}
