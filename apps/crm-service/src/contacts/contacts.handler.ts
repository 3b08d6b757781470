import { Payload } from '@nestjs/microservices';
import {
  ContactIdCommand,
  ContactsByEmailsCommand,
  ContactsByPhoneCommand,
  CreateContactCommand,
  Subjects,
  DeleteContactCommand,
  ListContactsQuery,
  MergeContactCommand,
  UpdateContactCommand,
} from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { ContactsService } from './contacts.service';

@RpcController()
export class ContactsHandler {
  constructor(private readonly service: ContactsService) {}

  @Handles(Subjects.crm.contacts.create)
  create(@Payload() input: CreateContactCommand, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Handles(Subjects.crm.contacts.get)
  get(@Payload() input: ContactIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @Handles(Subjects.crm.contacts.findByPhone)
  findByPhone(@Payload() input: ContactsByPhoneCommand, @Caller() ctx: RequestContext) {
    return this.service.findByPhone(ctx, input.phone);
  }

  @Handles(Subjects.crm.contacts.matchEmails)
  matchEmails(@Payload() input: ContactsByEmailsCommand, @Caller() ctx: RequestContext) {
    return this.service.matchEmails(ctx, input.emails);
  }

  @Handles(Subjects.crm.contacts.list)
  list(@Payload() query: ListContactsQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @Handles(Subjects.crm.contacts.update)
  update(@Payload() input: UpdateContactCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }

  @Handles(Subjects.crm.contacts.delete)
  delete(@Payload() input: DeleteContactCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input);
  }

  @Handles(Subjects.crm.contacts.restore)
  restore(@Payload() input: ContactIdCommand, @Caller() ctx: RequestContext) {
    return this.service.restore(ctx, input.id);
  }

  @Handles(Subjects.crm.contacts.merge)
  merge(@Payload() input: MergeContactCommand, @Caller() ctx: RequestContext) {
    return this.service.merge(ctx, input);
  }
}
