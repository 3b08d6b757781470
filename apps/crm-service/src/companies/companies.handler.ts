import { MessagePattern, Payload } from '@nestjs/microservices';
import { CompanyIdCommand, CreateCompanyRequest, CrmSubjects, DeleteCompanyCommand, ListCompaniesQuery, UpdateCompanyCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { CompaniesService } from './companies.service';

@RpcController()
export class CompaniesHandler {
  constructor(private readonly service: CompaniesService) {}

  @MessagePattern(CrmSubjects.createCompany)
  create(@Payload() input: CreateCompanyRequest, @Caller() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @MessagePattern(CrmSubjects.getCompany)
  get(@Payload() input: CompanyIdCommand, @Caller() ctx: RequestContext) {
    return this.service.get(ctx, input.id);
  }

  @MessagePattern(CrmSubjects.listCompanies)
  list(@Payload() query: ListCompaniesQuery, @Caller() ctx: RequestContext) {
    return this.service.list(ctx, query);
  }

  @MessagePattern(CrmSubjects.updateCompany)
  update(@Payload() input: UpdateCompanyCommand, @Caller() ctx: RequestContext) {
    return this.service.update(ctx, input);
  }

  @MessagePattern(CrmSubjects.deleteCompany)
  delete(@Payload() input: DeleteCompanyCommand, @Caller() ctx: RequestContext) {
    return this.service.delete(ctx, input);
  }
}
