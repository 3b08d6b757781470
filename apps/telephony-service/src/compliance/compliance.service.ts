import { Injectable } from '@nestjs/common';
import type { AddDncRequest, ConsentPage, ConsentView, DncEntryView, DncPage, ListConsentsQuery, ListDncQuery, RecordConsentRequest } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertGranted, requireTenant } from '@engage/access';
import { decodeCursor, pageLimit, TenantDatabase, timeOrderedId, toPage } from '@engage/database';
import { NotFoundError, ValidationError } from '@engage/errors';
import { ComplianceRepository } from './compliance.repository';
import { ContactDirectory } from './contact-directory';
import { normalisePhone } from './phone-number';

const NEWEST = '-created_at';

/** The consent ledger and the internal Do-Not-Call list (SPEC section 4: /v1/consents, /v1/dnc). */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly compliance: ComplianceRepository,
    private readonly contacts: ContactDirectory,
  ) {}

  /** Append-only: a revocation is a new row, and the latest row per (number, type) decides. */
  async recordConsent(ctx: RequestContext, input: RecordConsentRequest): Promise<ConsentView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'compliance', 'create');
    let phone = input.phone;
    if (input.contact_id) {
      const contact = await this.contacts.find(ctx, input.contact_id);
      phone ??= contact.primary_phone ?? undefined;
      if (!phone) throw new ValidationError('The contact has no phone number.', { fields: { contact_id: ['the contact has no phone number'] } });
    }
    if (!phone) throw new ValidationError('Give phone or contact_id.', { fields: { phone: ['phone or contact_id is required'] } });
    const number = normalisePhone(phone);
    return this.db.transaction(tctx.tenantId, (tx) =>
      this.compliance.insertConsent(tx, tctx.tenantId, timeOrderedId(), {
        phone: number.e164,
        contact_id: input.contact_id ?? null,
        type: input.type,
        status: input.status,
        source: input.source.trim(),
        evidence: input.evidence ?? null,
        expires_at: input.expires_at ?? null,
        recorded_by: ctx.userId,
      }),
    );
  }

  async listConsents(ctx: RequestContext, query: ListConsentsQuery): Promise<ConsentPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'compliance', 'read');
    const limit = pageLimit(query.limit);
    const rows = await this.compliance.listConsents(tctx.tenantId, {
      phone: query.phone ? normalisePhone(query.phone).e164 : undefined,
      type: query.type,
      after: decodeCursor(query.cursor, NEWEST),
      take: limit + 1,
    });
    return toPage(rows, limit, NEWEST);
  }

  async addDnc(ctx: RequestContext, input: AddDncRequest): Promise<DncEntryView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'compliance', 'create');
    const number = normalisePhone(input.phone);
    return this.db.transaction(tctx.tenantId, (tx) => this.compliance.addDnc(tx, tctx.tenantId, number.e164, input.reason ?? null, 'manual', ctx.userId));
  }

  async listDnc(ctx: RequestContext, query: ListDncQuery): Promise<DncPage> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'compliance', 'read');
    const limit = pageLimit(query.limit);
    const rows = await this.compliance.listDnc(tctx.tenantId, { after: decodeCursorForDnc(query.cursor), take: limit + 1 });
    const page = toPage(rows, limit, NEWEST);
    return { data: page.data.map(({ id: _id, ...entry }) => entry), page: page.page };
  }

  /** Managers and admins only (reps may add a number, never clear one). */
  async removeDnc(ctx: RequestContext, phone: string): Promise<void> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'compliance', 'delete');
    const number = normalisePhone(phone);
    const removed = await this.db.transaction(tctx.tenantId, (tx) => this.compliance.removeDnc(tx, tctx.tenantId, number.e164));
    if (!removed) throw new NotFoundError('DNC entry', number.e164);
  }
}

/** DNC cursors carry the number as their key, not a UUID, so they are read without decodeCursor's id check. */
function decodeCursorForDnc(raw: string | undefined) {
  if (raw === undefined || raw === '') return null;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { s?: unknown; v?: unknown; id?: unknown };
    if (c.s === NEWEST && typeof c.v === 'string' && typeof c.id === 'string' && /^\+\d{8,15}$/.test(c.id) && !Number.isNaN(Date.parse(c.v))) {
      return { s: NEWEST, v: c.v, id: c.id };
    }
  } catch {
    // falls through to the 400 below
  }
  return decodeCursor(raw, NEWEST);
}
