import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateDealRequest, CrmSubjects, DealIdCommand, DeleteDealCommand, ListDealsQuery, UpdateDealCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { DealsService } from './deals.service';

@RpcController()
export class DealsHandler {
  constructor(private readonly service: DealsService) {}

  @MessagePattern(CrmSubjects.createDeal)
  create(@Payload() input: CreateDealRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @MessagePattern(CrmSubjects.getDeal)
  get(@Payload() input: DealIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @MessagePattern(CrmSubjects.listDeals)
  list(@Payload() query: ListDealsQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @MessagePattern(CrmSubjects.updateDeal)
  update(@Payload() input: UpdateDealCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }

  @MessagePattern(CrmSubjects.deleteDeal)
  delete(@Payload() input: DeleteDealCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input);
  }

  @MessagePattern(CrmSubjects.dealStageHistory)
  stageHistory(@Payload() input: DealIdCommand, @Caller() ctx: RequestContext) {
    return this.service.stageHistory(ctx, input.id);
  }
}
