import { Payload } from '@nestjs/microservices';
import { AppendImportCommand, CreateImportCommand, Subjects, ImportErrorsCommand, ImportIdCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { ImportsService } from './imports.service';

@RpcController()
export class ImportsHandler {
  constructor(private readonly service: ImportsService) {}

  @Handles(Subjects.crm.imports.create)
  create(@Payload() input: CreateImportCommand, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Handles(Subjects.crm.imports.append)
  append(@Payload() input: AppendImportCommand, @Caller() ctx: RequestContext) {
    return this.service.append(ctx, input);
  }

  @Handles(Subjects.crm.imports.start)
  start(@Payload() input: ImportIdCommand, @Caller() ctx: RequestContext) {
    return this.service.start(ctx, input.id);
  }

  @Handles(Subjects.crm.imports.get)
  get(@Payload() input: ImportIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @Handles(Subjects.crm.imports.errors)
  errors(@Payload() input: ImportErrorsCommand, @Caller() ctx: RequestContext) {
    return this.service.errors(ctx, input);
  }

  @Handles(Subjects.crm.imports.abandon)
  abandon(@Payload() input: ImportIdCommand, @Caller() ctx: RequestContext) {
    return this.service.abandon(ctx, input.id);
  }
}
