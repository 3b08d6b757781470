import { Payload } from '@nestjs/microservices';
import { type EmptyRequest, ListAuditQuery, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { AuditService } from './audit.service';

@RpcController()
export class AuditHandler {
  constructor(private readonly audit: AuditService) {}

  @Handles(Subjects.audit.list)
  list(@Payload() query: ListAuditQuery, @Caller() ctx: RequestContext) {
    return this.audit.list(ctx, query);
  }

  @Handles(Subjects.audit.verify)
  verify(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.audit.verify(ctx);
  }
}
