import { Payload } from '@nestjs/microservices';
import { CreateApiKeyRequest, Subjects, IdParam, VerifyApiKeyCommand , type EmptyRequest } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { ApiKeysService } from './api-keys.service';

@RpcController()
export class ApiKeysHandler {
  constructor(private readonly keys: ApiKeysService) {}

  @Handles(Subjects.user.apiKeys.list)
  list(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.keys.list(ctx);
  }

  @Handles(Subjects.user.apiKeys.create)
  create(@Payload() dto: CreateApiKeyRequest, @Caller() ctx: RequestContext) {
    return this.keys.create(ctx, dto);
  }

  @Handles(Subjects.user.apiKeys.revoke)
  revoke(@Payload() dto: IdParam, @Caller() ctx: RequestContext) {
    return this.keys.revoke(ctx, dto.id);
  }

  @Handles(Subjects.user.apiKeys.verify)
  verify(@Payload() dto: VerifyApiKeyCommand, @Caller() ctx: RequestContext) {
    return this.keys.verify(ctx, dto.key);
  }
}
