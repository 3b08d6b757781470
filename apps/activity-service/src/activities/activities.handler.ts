import { Payload } from '@nestjs/microservices';
import { ActivityIdCommand, CreateActivityRequest, DeleteActivityCommand, ListActivitiesQuery, Subjects, UpdateActivityCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { ActivitiesService } from './activities.service';

@RpcController()
export class ActivitiesHandler {
  constructor(private readonly service: ActivitiesService) {}

  @Handles(Subjects.activity.activities.create)
  create(@Payload() input: CreateActivityRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Handles(Subjects.activity.activities.get)
  get(@Payload() input: ActivityIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @Handles(Subjects.activity.activities.list)
  list(@Payload() query: ListActivitiesQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @Handles(Subjects.activity.activities.update)
  update(@Payload() input: UpdateActivityCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }

  @Handles(Subjects.activity.activities.delete)
  delete(@Payload() input: DeleteActivityCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input);
  }
}
