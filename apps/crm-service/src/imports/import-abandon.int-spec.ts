import { SchedulerRegistry } from '@nestjs/schedule';
import { MAX_IMPORT_BYTES } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { createLogger } from '@engage/logging';
import { domainError } from '@engage/testing/kit';
import type { CrmConfig } from '../config';
import { type CrmKit, startCrmKit } from '../test-support/crm-test-kit';
import { ImportSweeper } from './import-sweeper';

/**
 * An upload that goes over the limit, is abandoned by its client, or dies with its gateway must
 * not leave its job `receiving` with up to 100 MB of chunks in the database for ever.
 */
describe('discarding failed and abandoned import uploads', () => {
  let kit: CrmKit;
  let sweeper: ImportSweeper;

  beforeAll(async () => {
    kit = await startCrmKit();
    const config = { IMPORT_ABANDONED_AFTER_MS: 15 * 60_000, IMPORT_SWEEP_INTERVAL_MS: 60_000 } as CrmConfig;
    sweeper = new ImportSweeper(kit.importsRepository, createLogger({ service: 'import-sweep-int-spec', level: 'silent', sync: true }), config, new SchedulerRegistry());
  });
  afterAll(() => kit.close());

  const piece = (text: string) => Buffer.from(text).toString('base64');

  /** What the database holds of one import, read in the tenant's own transaction. */
  async function stored(ctx: TenantContext, id: string) {
    const [row] = await kit.db.transaction(ctx.tenantId, (tx) =>
      tx.query<{ jobs: number; chunks: number }>(`SELECT (SELECT count(*)::int FROM crm.imports WHERE tenant_id = $1 AND id = $2) AS jobs,
                (SELECT count(*)::int FROM crm.import_chunks WHERE tenant_id = $1 AND import_id = $2) AS chunks`,
        [ctx.tenantId, id],
      ),
    );
    return row;
  }

  /** A job of `ctx` receiving its file, with two chunks in. */
  async function receiving(ctx: TenantContext): Promise<string> {
    const { job_id } = await kit.imports.create(ctx, {});
    await kit.imports.append(ctx, { id: job_id, seq: 0, data: piece('email\n') });
    await kit.imports.append(ctx, { id: job_id, seq: 1, data: piece('a@example.com\n') });
    return job_id;
  }

  /** Moves a job's last chunk back in time, as if its upload had stopped `minutes` ago. */
  const silentFor = (ctx: TenantContext, id: string, minutes: number) =>
    kit.db.transaction(ctx.tenantId, (tx) =>
      tx.query(`UPDATE crm.imports SET last_chunk_at = now() - make_interval(mins => $3) WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id, minutes]),
    );

  it('deletes the job and its chunks when an append takes it past the size limit, and answers 413', async () => {
    const ctx = kit.newTenant();
    const id = await receiving(ctx);
    // As if the first 100 MB had already arrived: the next chunk goes over.
    await kit.db.transaction(ctx.tenantId, (tx) => tx.query(`UPDATE crm.imports SET received_bytes = $3 WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id, MAX_IMPORT_BYTES - 4]));
    const refused = await domainError(kit.imports.append(ctx, { id, seq: 2, data: piece('b@example.com\n') }));
    expect(refused).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(await stored(ctx, id)).toEqual({ jobs: 0, chunks: 0 });
    // The rest of the upload finds nothing to add to.
    expect((await domainError(kit.imports.append(ctx, { id, seq: 3, data: piece('c@example.com\n') }))).status).toBe(404);
  });

  it('keeps a job that reaches the limit exactly', async () => {
    const ctx = kit.newTenant();
    const id = await receiving(ctx);
    const chunk = 'b@example.com\n';
    await kit.db.transaction(ctx.tenantId, (tx) =>
      tx.query(`UPDATE crm.imports SET received_bytes = $3 WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id, MAX_IMPORT_BYTES - chunk.length]),
    );
    await expect(kit.imports.append(ctx, { id, seq: 2, data: piece(chunk) })).resolves.toEqual({ received_bytes: MAX_IMPORT_BYTES });
    expect(await stored(ctx, id)).toEqual({ jobs: 1, chunks: 3 });
  });

  it('abandons a receiving upload on its creator’s request: job and chunks are gone', async () => {
    const ctx = kit.newTenant();
    const id = await receiving(ctx);
    await kit.imports.abandon(ctx, id);
    expect(await stored(ctx, id)).toEqual({ jobs: 0, chunks: 0 });
    expect((await domainError(kit.imports.get(ctx, id))).status).toBe(404);
    expect((await domainError(kit.imports.abandon(ctx, id))).status).toBe(404);
  });

  it('lets no one else abandon an upload (another tenant 404, another user 404) and never a started import (409)', async () => {
    const ctx = kit.newTenant();
    const id = await receiving(ctx);
    expect((await domainError(kit.imports.abandon(kit.newTenant(), id))).status).toBe(404);
    expect((await domainError(kit.imports.abandon(kit.as(ctx, 'admin'), id))).status).toBe(404);
    expect((await domainError(kit.imports.abandon(kit.as(ctx, 'rep'), id))).status).toBe(404);
    expect(await stored(ctx, id)).toEqual({ jobs: 1, chunks: 2 });

    await kit.imports.start(ctx, id);
    expect(await domainError(kit.imports.abandon(ctx, id))).toMatchObject({ status: 409 });
    expect((await stored(ctx, id)).jobs).toBe(1);
    await kit.db.transaction(ctx.tenantId, (tx) => tx.query(`UPDATE crm.imports SET status = 'failed', message = 'test over' WHERE tenant_id = $1 AND id = $2`, [ctx.tenantId, id]));
  });

  it('sweeps uploads of every tenant that stopped receiving chunks, and keeps fresh uploads and started imports', async () => {
    const first = kit.newTenant();
    const second = kit.newTenant();
    const staleFirst = await receiving(first);
    const staleSecond = await receiving(second);
    const fresh = await receiving(first);
    const quiet = await receiving(second);
    const queued = await receiving(first);
    const processing = await receiving(second);
    await kit.imports.start(first, queued);
    await kit.imports.start(second, processing);
    await kit.db.transaction(second.tenantId, (tx) =>
      tx.query(`UPDATE crm.imports SET status = 'processing', heartbeat_at = now() WHERE tenant_id = $1 AND id = $2`, [second.tenantId, processing]),
    );
    await silentFor(first, staleFirst, 16);
    await silentFor(second, staleSecond, 60 * 24);
    await silentFor(second, quiet, 14);
    await silentFor(first, queued, 60);
    await silentFor(second, processing, 60);

    const round = await sweeper.runOnce();
    expect(round.jobs).toBeGreaterThanOrEqual(2);
    expect(await stored(first, staleFirst)).toEqual({ jobs: 0, chunks: 0 });
    expect(await stored(second, staleSecond)).toEqual({ jobs: 0, chunks: 0 });
    expect(await stored(first, fresh)).toEqual({ jobs: 1, chunks: 2 });
    expect(await stored(second, quiet)).toEqual({ jobs: 1, chunks: 2 });
    expect((await stored(first, queued)).jobs).toBe(1);
    expect((await stored(second, processing)).jobs).toBe(1);

    // A fresh chunk keeps a slow upload alive.
    await silentFor(second, quiet, 20);
    await kit.imports.append(second, { id: quiet, seq: 2, data: piece('late@example.com\n') });
    await sweeper.runOnce();
    expect(await stored(second, quiet)).toEqual({ jobs: 1, chunks: 3 });

    for (const [ctx, ids] of [[first, [queued, fresh]], [second, [processing, quiet]]] as const) {
      await kit.db.transaction(ctx.tenantId, (tx) =>
        tx.query(`UPDATE crm.imports SET status = 'failed', message = 'test over' WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [ctx.tenantId, ids]),
      );
    }
  });
});
