import { MessagePattern, Payload } from '@nestjs/microservices';
import { AppendImportCommand, CreateImportCommand, CrmSubjects, ImportErrorsCommand, ImportIdCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { ImportsService } from './imports.service';

@RpcController()
export class ImportsHandler {
  constructor(private readonly service: ImportsService) {}

  @MessagePattern(CrmSubjects.createImport)
  create(@Payload() input: CreateImportCommand, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @MessagePattern(CrmSubjects.appendImport)
  append(@Payload() input: AppendImportCommand, @Caller() ctx: RequestContext) {
    return this.service.append(ctx, input);
  }

  @MessagePattern(CrmSubjects.startImport)
  start(@Payload() input: ImportIdCommand, @Caller() ctx: RequestContext) {
    return this.service.start(ctx, input.id);
  }

  @MessagePattern(CrmSubjects.getImport)
  get(@Payload() input: ImportIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @MessagePattern(CrmSubjects.importErrors)
  errors(@Payload() input: ImportErrorsCommand, @Caller() ctx: RequestContext) {
    return this.service.errors(ctx, input);
  }
}
