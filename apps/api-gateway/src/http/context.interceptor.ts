import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { runWithContext } from '@engage/context';
import { getRequestContext } from './request-context';

/** Runs the handler inside the caller's context, so every log line carries request and tenant ids. */
@Injectable()
export class ContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ctx = getRequestContext(context.switchToHttp().getRequest<FastifyRequest>());
    if (!ctx) return next.handle();
    return new Observable((subscriber) => runWithContext(ctx, () => next.handle().subscribe(subscriber)));
  }
}
