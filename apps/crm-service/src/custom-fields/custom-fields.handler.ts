import { Payload } from '@nestjs/microservices';
import { CreateCustomFieldRequest, Subjects, CustomFieldIdCommand, ListCustomFieldsQuery } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { CustomFieldsService } from './custom-fields.service';

@RpcController()
export class CustomFieldsHandler {
  constructor(private readonly service: CustomFieldsService) {}

  @Handles(Subjects.crm.customFields.list)
  list(@Payload() query: ListCustomFieldsQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @Handles(Subjects.crm.customFields.create)
  create(@Payload() input: CreateCustomFieldRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Handles(Subjects.crm.customFields.delete)
  delete(@Payload() input: CustomFieldIdCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input.id);
  }
}
