import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateUserRequest, IdentitySubjects, IdParam, ListUsersQuery, SetRoleCommand, UpdateUserCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, RpcController } from '@engage/messaging';
import { UsersService } from './users.service';

@RpcController()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(IdentitySubjects.me)
  me(@Caller() ctx: RequestContext) {
    return this.users.me(ctx);
  }

  @MessagePattern(IdentitySubjects.listUsers)
  list(@Payload() dto: ListUsersQuery, @Caller() ctx: RequestContext) {
    return this.users.list(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.getUser)
  get(@Payload() dto: IdParam, @Caller() ctx: RequestContext) {
    return this.users.get(ctx, dto.id);
  }

  @MessagePattern(IdentitySubjects.createUser)
  create(@Payload() dto: CreateUserRequest, @Caller() ctx: RequestContext) {
    return this.users.create(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.updateUser)
  update(@Payload() dto: UpdateUserCommand, @Caller() ctx: RequestContext) {
    return this.users.update(ctx, dto);
  }

  @MessagePattern(IdentitySubjects.deactivateUser)
  deactivate(@Payload() dto: IdParam, @Caller() ctx: RequestContext) {
    return this.users.deactivate(ctx, dto.id);
  }

  @MessagePattern(IdentitySubjects.setRole)
  setRole(@Payload() dto: SetRoleCommand, @Caller() ctx: RequestContext) {
    return this.users.setRole(ctx, dto);
  }
}
