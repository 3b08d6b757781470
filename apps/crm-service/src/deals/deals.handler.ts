import { Payload } from '@nestjs/microservices';
import { CreateDealRequest, Subjects, DealIdCommand, DeleteDealCommand, ListDealsQuery, UpdateDealCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { DealsService } from './deals.service';

@RpcController()
export class DealsHandler {
  constructor(private readonly service: DealsService) {}

  @Handles(Subjects.crm.deals.create)
  create(@Payload() input: CreateDealRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Handles(Subjects.crm.deals.get)
  get(@Payload() input: DealIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @Handles(Subjects.crm.deals.list)
  list(@Payload() query: ListDealsQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @Handles(Subjects.crm.deals.update)
  update(@Payload() input: UpdateDealCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }

  @Handles(Subjects.crm.deals.delete)
  delete(@Payload() input: DeleteDealCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input);
  }

  @Handles(Subjects.crm.deals.stageHistory)
  stageHistory(@Payload() input: DealIdCommand, @Caller() ctx: RequestContext) {
    return this.service.stageHistory(ctx, input.id);
  }
}
