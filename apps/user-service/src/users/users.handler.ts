import { Payload } from '@nestjs/microservices';
import { CreateUserRequest, Subjects, IdParam, ListUsersQuery, SetRoleCommand, UpdateUserCommand , type EmptyRequest } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { UsersService } from './users.service';

@RpcController()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @Handles(Subjects.user.users.me)
  me(@Payload() _request: EmptyRequest, @Caller() ctx: RequestContext) {
    return this.users.me(ctx);
  }

  @Handles(Subjects.user.users.list)
  list(@Payload() dto: ListUsersQuery, @Caller() ctx: RequestContext) {
    return this.users.list(ctx, dto);
  }

  @Handles(Subjects.user.users.get)
  get(@Payload() dto: IdParam, @Caller() ctx: RequestContext) {
    return this.users.get(ctx, dto.id);
  }

  @Handles(Subjects.user.users.create)
  create(@Payload() dto: CreateUserRequest, @Caller() ctx: RequestContext) {
    return this.users.create(ctx, dto);
  }

  @Handles(Subjects.user.users.update)
  update(@Payload() dto: UpdateUserCommand, @Caller() ctx: RequestContext) {
    return this.users.update(ctx, dto);
  }

  @Handles(Subjects.user.users.deactivate)
  deactivate(@Payload() dto: IdParam, @Caller() ctx: RequestContext) {
    return this.users.deactivate(ctx, dto.id);
  }

  @Handles(Subjects.user.users.setRole)
  setRole(@Payload() dto: SetRoleCommand, @Caller() ctx: RequestContext) {
    return this.users.setRole(ctx, dto);
  }
}
