import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateCustomFieldRequest, CrmSubjects, CustomFieldIdCommand, ListCustomFieldsQuery } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { CustomFieldsService } from './custom-fields.service';

@RpcController()
export class CustomFieldsHandler {
  constructor(private readonly service: CustomFieldsService) {}

  @MessagePattern(CrmSubjects.listCustomFields)
  list(@Payload() query: ListCustomFieldsQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @MessagePattern(CrmSubjects.createCustomField)
  create(@Payload() input: CreateCustomFieldRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @MessagePattern(CrmSubjects.deleteCustomField)
  delete(@Payload() input: CustomFieldIdCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input.id);
  }
}
