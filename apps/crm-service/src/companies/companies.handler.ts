import { Payload } from '@nestjs/microservices';
import { CompanyIdCommand, CreateCompanyRequest, Subjects, DeleteCompanyCommand, ListCompaniesQuery, UpdateCompanyCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { CompaniesService } from './companies.service';

@RpcController()
export class CompaniesHandler {
  constructor(private readonly service: CompaniesService) {}

  @Handles(Subjects.crm.companies.create)
  create(@Payload() input: CreateCompanyRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Handles(Subjects.crm.companies.get)
  get(@Payload() input: CompanyIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @Handles(Subjects.crm.companies.list)
  list(@Payload() query: ListCompaniesQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @Handles(Subjects.crm.companies.update)
  update(@Payload() input: UpdateCompanyCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }

  @Handles(Subjects.crm.companies.delete)
  delete(@Payload() input: DeleteCompanyCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input);
  }
}
