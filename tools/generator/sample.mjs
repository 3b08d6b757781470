// @ts-check
// The sample feature of a generated service: notes, a tenant table under row-level security with
// two request handlers, an event in the outbox, gateway routes with RBAC and OpenAPI docs, and a
// unit, an integration and an end-to-end test. It exercises every part of the service kit.

/** @typedef {import('./templates.mjs').Names} Names */

/** @param {Names} n */
export const sample = (n) => {
  const P = n.pascal;
  return {
    [`libs/contracts/src/${n.name}/${n.name}.contracts.ts`]: `import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { NonBlankText } from '../crm/text.validators';
import { eventSubject, rpcSubject } from '../subjects/typed-subject';

/** ${n.app}'s sample feature: short notes of a tenant (generated; replace with the real contracts). */
export class Create${P}NoteRequest {
  @ApiProperty({ maxLength: 500 })
  @NonBlankText(500)
  text: string;
}

export class ${P}NoteIdCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class ${P}NoteView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  text: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  created_by: string | null;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export interface ${P}NoteCreatedEvent {
  note: ${P}NoteView;
}

export const ${P}Subjects = {
  notes: {
    create: rpcSubject<Create${P}NoteRequest, ${P}NoteView>('${n.prefix}.notes.create'),
    get: rpcSubject<${P}NoteIdCommand, ${P}NoteView>('${n.prefix}.notes.get'),
  },
} as const;

export const ${P}Events = {
  noteCreated: eventSubject<${P}NoteCreatedEvent>('evt.${n.prefix}.note.created', 'note'),
} as const;
`,
    [`apps/${n.app}/src/migrations/${n.timestamp + 2}-Notes.ts`]: `import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from '@engage/database';

/** The sample notes table, one tenant's rows visible to its transactions only. */
export class Notes${n.timestamp + 2} implements MigrationInterface {
  name = 'Notes${n.timestamp + 2}';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`CREATE TABLE "${n.schema}"."notes" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "text" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), PRIMARY KEY ("tenant_id", "id"))\`);
    for (const sql of enableTenantRls('${n.schema}.notes')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of disableTenantRls('${n.schema}.notes')) await queryRunner.query(sql);
    await queryRunner.query(\`DROP TABLE "${n.schema}"."notes"\`);
  }
}
`,
    [`apps/${n.app}/src/notes/notes.repository.ts`]: `import { Injectable } from '@nestjs/common';
import type { ${P}NoteView } from '@engage/contracts';
import { isoTime, type Tx } from '@engage/database';

const VIEW = \`id, text, created_by, \${isoTime('created_at')} AS created_at\`;

@Injectable()
export class NotesRepository {
  async insert(tx: Tx, tenantId: string, note: { id: string; text: string; createdBy: string | null }): Promise<${P}NoteView> {
    const [row] = await tx.query<${P}NoteView>(
      \`INSERT INTO ${n.schema}.notes (tenant_id, id, text, created_by) VALUES ($1, $2, $3, $4) RETURNING \${VIEW}\`,
      [tenantId, note.id, note.text, note.createdBy],
    );
    return row;
  }

  async find(tx: Tx, tenantId: string, id: string): Promise<${P}NoteView | null> {
    const [row] = await tx.query<${P}NoteView>(\`SELECT \${VIEW} FROM ${n.schema}.notes WHERE tenant_id = $1 AND id = $2\`, [tenantId, id]);
    return row ?? null;
  }
}
`,
    [`apps/${n.app}/src/notes/notes.service.ts`]: `import { Injectable } from '@nestjs/common';
import { assertGranted, requireTenant } from '@engage/access';
import { type Create${P}NoteRequest, Events, type ${P}NoteView } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { TenantDatabase, timeOrderedId } from '@engage/database';
import { NotFoundError } from '@engage/errors';
import { OutboxWriter, outboxEvent } from '@engage/messaging';
import { NotesRepository } from './notes.repository';

/** Notes of a tenant: admins write them, every member reads them. */
@Injectable()
export class NotesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly notes: NotesRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async create(ctx: RequestContext, input: Create${P}NoteRequest): Promise<${P}NoteView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'tenant', 'update');
    return this.db.transaction(tctx.tenantId, async (tx) => {
      const note = await this.notes.insert(tx, tctx.tenantId, { id: timeOrderedId(), text: input.text, createdBy: ctx.userId });
      await this.outbox.append(tx, tctx, [outboxEvent(Events.${n.camel}.noteCreated, { aggregateId: note.id, version: 1, payload: { note } })]);
      return note;
    });
  }

  async get(ctx: RequestContext, id: string): Promise<${P}NoteView> {
    const tctx = requireTenant(ctx);
    assertGranted(ctx, 'tenant', 'read');
    const note = await this.db.transaction(tctx.tenantId, (tx) => this.notes.find(tx, tctx.tenantId, id));
    if (!note) throw new NotFoundError('Note', id);
    return note;
  }
}
`,
    [`apps/${n.app}/src/notes/notes.handler.ts`]: `import { Payload } from '@nestjs/microservices';
import { Create${P}NoteRequest, ${P}NoteIdCommand, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { NotesService } from './notes.service';

@RpcController()
export class NotesHandler {
  constructor(private readonly notes: NotesService) {}

  @Handles(Subjects.${n.camel}.notes.create)
  create(@Payload() input: Create${P}NoteRequest, @Caller() ctx: RequestContext) {
    return this.notes.create(ctx, input);
  }

  @Handles(Subjects.${n.camel}.notes.get)
  get(@Payload() input: ${P}NoteIdCommand, @Caller() ctx: RequestContext) {
    return this.notes.get(ctx, input.id);
  }
}
`,
    [`apps/${n.app}/src/notes/notes.service.spec.ts`]: `import { randomUUID } from 'node:crypto';
import { systemContext } from '@engage/context';
import type { TenantDatabase } from '@engage/database';
import type { OutboxWriter } from '@engage/messaging';
import { domainError } from '@engage/testing/kit';
import { NotesRepository } from './notes.repository';
import { NotesService } from './notes.service';

/** Access is decided before the database is touched. */
describe('NotesService access', () => {
  const untouchable = new Proxy({}, { get: () => () => Promise.reject(new Error('the database must not be reached')) });
  const service = new NotesService(untouchable as TenantDatabase, new NotesRepository(), untouchable as OutboxWriter);

  it('refuses a request without a tenant (401) and a rep writing a note (403)', async () => {
    expect((await domainError(service.create(systemContext(), { text: 'x' }))).status).toBe(401);
    const rep = systemContext({ tenantId: randomUUID(), userId: randomUUID(), role: 'rep' });
    expect((await domainError(service.create(rep, { text: 'x' }))).status).toBe(403);
  });
});
`,
    [`apps/${n.app}/src/notes/notes.int-spec.ts`]: `import { OutboxWriter } from '@engage/messaging';
import { domainError, KitUsers, openServiceDatabase, outboxEvents } from '@engage/testing/kit';
import type { TenantDatabase } from '@engage/database';
import { ${n.camel}ServiceDefinition, SCHEMA } from '../database/definition';
import { NotesRepository } from './notes.repository';
import { NotesService } from './notes.service';

/** Notes against the real database as the runtime role: tenant isolation and the event in the outbox. */
describe('notes', () => {
  const users = new KitUsers();
  let db: TenantDatabase;
  let notes: NotesService;

  beforeAll(async () => {
    db = await openServiceDatabase(${n.camel}ServiceDefinition);
    notes = new NotesService(db, new NotesRepository(), new OutboxWriter(SCHEMA));
  });
  afterAll(() => db.close());

  it('stores a note with its event, and shows it to its tenant only', async () => {
    const admin = users.newTenant('admin');
    const note = await notes.create(admin, { text: 'first' });
    expect(await notes.get(users.as(admin, 'rep'), note.id)).toEqual(note);
    expect((await domainError(notes.get(users.newTenant('admin'), note.id))).status).toBe(404);
    const events = await outboxEvents(db, SCHEMA, admin.tenantId);
    expect(events).toMatchObject([{ subject: 'evt.${n.prefix}.note.created', envelope: { aggregate_id: note.id, payload: { note } } }]);
  });
});
`,
    [`apps/api-gateway/src/${n.name}/${n.name}-gateway.module.ts`]: `import { Module } from '@nestjs/common';
import { ${P}NotesController } from './notes.controller';

/** ${n.app}'s routes of the public API: validation and access here, everything else in the service. */
@Module({ controllers: [${P}NotesController] })
export class ${P}GatewayModule {}
`,
    [`apps/api-gateway/src/${n.name}/notes.controller.ts`]: `import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Create${P}NoteRequest, ${P}NoteIdCommand, ${P}NoteView, Subjects } from '@engage/contracts';
import type { TenantContext } from '@engage/context';
import { RpcClient } from '@engage/messaging';
import { RequirePermission } from '../auth/route-access.decorator';
import { Ctx } from '../http/request-context';

@ApiTags('${n.name}')
@Controller('v1/${n.name}/notes')
export class ${P}NotesController {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  @RequirePermission('tenant', 'update')
  @Post()
  @ApiOperation({ summary: 'Write a note (admin)' })
  @ApiCreatedResponse({ type: ${P}NoteView })
  create(@Body() body: Create${P}NoteRequest, @Ctx() ctx: TenantContext): Promise<${P}NoteView> {
    return this.rpc.request(Subjects.${n.camel}.notes.create, body, ctx);
  }

  @RequirePermission('tenant', 'read')
  @Get(':id')
  @ApiOperation({ summary: 'Read a note of the tenant' })
  @ApiOkResponse({ type: ${P}NoteView })
  @ApiNotFoundResponse({ description: 'No such note in this tenant' })
  get(@Param() { id }: ${P}NoteIdCommand, @Ctx() ctx: TenantContext): Promise<${P}NoteView> {
    return this.rpc.request(Subjects.${n.camel}.notes.get, { id }, ctx);
  }
}
`,
    [`apps/api-gateway/e2e/${n.name}.e2e-spec.ts`]: `import { randomUUID } from 'node:crypto';
import { api, newTenant, newUser } from '@engage/testing';

/** ${n.app} answers through the gateway: RBAC, validation, tenant isolation. */
jest.setTimeout(60_000);

describe('${n.app} through the gateway', () => {
  it('writes and reads a note, refuses what it must', async () => {
    const [tenant, other] = await Promise.all([newTenant('${P}'), newTenant('${P}Other')]);
    const created = await api<{ id: string; text: string }>('/v1/${n.name}/notes', { token: tenant.accessToken, body: { text: 'hello' } });
    expect(created.status).toBe(201);
    const read = await api<{ text: string }>(\`/v1/${n.name}/notes/\${created.body.id}\`, { token: tenant.accessToken });
    expect({ status: read.status, text: read.body.text }).toEqual({ status: 200, text: 'hello' });

    expect((await api(\`/v1/${n.name}/notes/\${created.body.id}\`, { token: other.accessToken })).status).toBe(404);
    expect((await api(\`/v1/${n.name}/notes/\${randomUUID()}\`, { token: tenant.accessToken })).status).toBe(404);
    expect((await api('/v1/${n.name}/notes', { token: tenant.accessToken, body: { text: '   ' } })).status).toBe(400);
    expect((await api('/v1/${n.name}/notes/not-a-uuid', { token: tenant.accessToken })).status).toBe(400);
    expect((await api('/v1/${n.name}/notes', { body: { text: 'x' } })).status).toBe(401);
    const rep = await newUser(tenant, 'rep');
    expect((await api('/v1/${n.name}/notes', { token: rep.accessToken, body: { text: 'x' } })).status).toBe(403);
  });
});
`,
  };
};
