import { Injectable } from '@nestjs/common';
import type { Tx } from '@engage/database';
import type { PhoneNumber } from '../compliance/phone-number';
import { nationalDncState, type NationalDncState } from './national-dnc-status';
import { RegistryRepository } from './registry.repository';

/**
 * The national Do-Not-Call fact the compliance gate decides on (SPEC section 4): whether the
 * deciding national list names the number, that list's date, and whether the number needs a scrub
 * (every +1 number, and any number a loaded list covers) that is missing or older than 31 days at
 * the gate's clock. The decision itself is in compliance/gate-decision.ts.
 */
@Injectable()
export class NationalDncCheck {
  constructor(private readonly registry: RegistryRepository) {}

  async state(tx: Tx, number: PhoneNumber, now: Date): Promise<NationalDncState> {
    const entry = await this.registry.lookupInTx(tx, number.e164);
    return nationalDncState(number.e164, entry.deciding, entry.row, now);
  }
}
