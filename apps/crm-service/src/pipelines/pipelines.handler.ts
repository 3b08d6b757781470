import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreatePipelineRequest, CrmSubjects, UpdatePipelineCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { PipelinesService } from './pipelines.service';

@RpcController()
export class PipelinesHandler {
  constructor(private readonly service: PipelinesService) {}

  @MessagePattern(CrmSubjects.listPipelines)
  list(@Caller() ctx: RequestContext) {
    return this.service.list(ctx);
  }

  @MessagePattern(CrmSubjects.createPipeline)
  create(@Payload() input: CreatePipelineRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @MessagePattern(CrmSubjects.updatePipeline)
  update(@Payload() input: UpdatePipelineCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }
}
