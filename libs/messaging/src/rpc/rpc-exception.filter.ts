import { ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands every error back to {@link NatsRpcServer} untouched, so a DomainError keeps its code.
 * (Nest's default RPC filter turns anything that is not an RpcException into "Internal server error".)
 */
@Catch()
export class PassThroughRpcFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
