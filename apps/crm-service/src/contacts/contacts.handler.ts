import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ContactIdCommand,
  CreateContactCommand,
  CrmSubjects,
  DeleteContactCommand,
  ListContactsQuery,
  MergeContactCommand,
  UpdateContactCommand,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { ContactsService } from './contacts.service';

@RpcController()
export class ContactsHandler {
  constructor(private readonly service: ContactsService) {}

  @MessagePattern(CrmSubjects.createContact)
  create(@Payload() input: CreateContactCommand, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @MessagePattern(CrmSubjects.getContact)
  get(@Payload() input: ContactIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @MessagePattern(CrmSubjects.listContacts)
  list(@Payload() query: ListContactsQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @MessagePattern(CrmSubjects.updateContact)
  update(@Payload() input: UpdateContactCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }

  @MessagePattern(CrmSubjects.deleteContact)
  delete(@Payload() input: DeleteContactCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input);
  }

  @MessagePattern(CrmSubjects.restoreContact)
  restore(@Payload() input: ContactIdCommand, @Caller() ctx: RequestContext) {
    return this.service.restore(ctx, input.id);
  }

  @MessagePattern(CrmSubjects.mergeContacts)
  merge(@Payload() input: MergeContactCommand, @Caller() ctx: RequestContext) {
    return this.service.merge(ctx, input);
  }
}
