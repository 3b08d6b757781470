import { Payload } from '@nestjs/microservices';
import { CreatePipelineRequest, Subjects, UpdatePipelineCommand , type EmptyRequest } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { PipelinesService } from './pipelines.service';

@RpcController()
export class PipelinesHandler {
  constructor(private readonly service: PipelinesService) {}

  @Handles(Subjects.crm.pipelines.list)
  list(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.service.list(ctx);
  }

  @Handles(Subjects.crm.pipelines.create)
  create(@Payload() input: CreatePipelineRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Handles(Subjects.crm.pipelines.update)
  update(@Payload() input: UpdatePipelineCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }
}
