import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateApiKeyRequest, IdentitySubjects, IdParam, VerifyApiKeyCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { ApiKeysService } from './api-keys.service';

@RpcController()
export class ApiKeysHandler {
  constructor(private readonly keys: ApiKeysService) {}

  @MessagePattern(IdentitySubjects.listApiKeys)
  list(@Caller() ctx: RequestContext) {
    return this.keys.list(ctx);
  }

  @MessagePattern(IdentitySubjects.createApiKey)
  create(@Payload() dto: CreateApiKeyRequest, @Caller() ctx: RequestContext) {
    return this.keys.create(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.revokeApiKey)
  revoke(@Payload() dto: IdParam, @Caller() ctx: RequestContext) {
    return this.keys.revoke(ctx, dto.id);
  }

  @MessagePattern(IdentitySubjects.verifyApiKey)
  verify(@Payload() dto: VerifyApiKeyCommand, @Caller() ctx: RequestContext) {
    return this.keys.verify(ctx, dto.key);
  }
}
