import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { PhoneNumberContactView } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { testEnv } from '@engage/testing';
import { fileSource, importNationalDnc, textSource, type DncImportReport } from '../registry/national-dnc-importer';
import { withRegistryConnection } from '../registry/owner-connection';
import { PhoneContacts } from '../registry/phone-contacts';

/** The development list `npm start` and `npm test` load (tools/seed/dnc-dev.txt). */
export const DEV_DNC_LIST = join(__dirname, '../../../../tools/seed/dnc-dev.txt');

/** A list a test loads: its date, what it covers, and the numbers it names. */
export interface KitDncList {
  date: string;
  /** North American area codes (`415` covers +1415…). */
  areaCodes?: string[];
  /** E.164 prefixes (`+1907345` covers +1907345…). */
  prefixes?: string[];
  listed?: string[];
  /** Extra lines written after the numbers, as they are (to test invalid lines). */
  extraLines?: string[];
}

/** Today's date in UTC, the date `npm start` and `npm test` give the development list. */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

/**
 * National Do-Not-Call lists for integration tests, loaded through the real import (as the owner
 * role; the kit's own connections are the runtime role, which may only read the registry).
 *
 * The registry is global, shared by every test and every run against the database, and the newest
 * list covering a number decides it. So a test that needs lists of its own takes a fresh prefix
 * under area code 907, which the development list leaves uncovered: no other list decides numbers
 * there. `uncoveredNumber()` gives a number of that area code that no prefix handed out can cover.
 */
export class KitNationalDnc {
  private readonly ownerUrl = testEnv.databaseUrls('telephony').owner;

  /** Loads the development list dated today (a no-op when `npm test` or another kit already did). */
  loadDevelopmentList(): Promise<DncImportReport> {
    return withRegistryConnection(this.ownerUrl, (db) => importNationalDnc(db, fileSource(DEV_DNC_LIST), { date: todayUtc() }));
  }

  /** Loads a list written from `list` (the same list twice is loaded once). */
  load(list: KitDncList): Promise<DncImportReport> {
    const lines = [
      `# date: ${list.date}`,
      ...(list.areaCodes?.length ? [`# area-codes: ${list.areaCodes.join(', ')}`] : []),
      ...(list.prefixes?.length ? [`# prefixes: ${list.prefixes.join(', ')}`] : []),
      ...(list.listed ?? []),
      ...(list.extraLines ?? []),
    ];
    return withRegistryConnection(this.ownerUrl, (db) => importNationalDnc(db, textSource('kit-list.txt', `${lines.join('\n')}\n`), { batchSize: 3 }));
  }

  /** A prefix no other test uses, covering ten numbers: `prefix + '0'` … `prefix + '9'`. */
  freshPrefix(): string {
    return `+1907${randomInt(3, 10)}${String(randomInt(0, 100_000)).padStart(5, '0')}`;
  }

  /**
   * A prefix for a wider list and one inside it (`+19071dddd` and `+19071ddddd`), for tests of
   * nested coverage: a block of their own, so a wider list never lies over another test's prefix.
   */
  freshNestedPrefixes(): { wider: string; narrow: string } {
    const wider = `+19071${String(randomInt(0, 10_000)).padStart(4, '0')}`;
    return { wider, narrow: `${wider}${randomInt(0, 10)}` };
  }

  /** A +1 907 number that no list covers (no prefix handed out starts with +19072). */
  uncoveredNumber(): string {
    return `+19072${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  }
}

/** Contacts carrying numbers, standing in for crm-service: each tenant sees only its own. */
export class KitPhoneContacts extends PhoneContacts {
  private readonly byTenant = new Map<string, Array<PhoneNumberContactView & { phone: string }>>();

  add(ctx: { tenantId: string }, phone: string, contact: PhoneNumberContactView): void {
    const list = this.byTenant.get(ctx.tenantId) ?? [];
    list.push({ ...contact, phone });
    this.byTenant.set(ctx.tenantId, list);
  }

  async carrying(ctx: RequestContext, e164: string): Promise<PhoneNumberContactView[]> {
    return (this.byTenant.get(ctx.tenantId ?? '') ?? []).filter((c) => c.phone === e164).map(({ phone: _phone, ...contact }) => contact);
  }
}
