import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Authenticated, Public } from '../auth/route-access.decorator';

const ANSWER = { status: 'ok' } as const;

/**
 * Two routes that differ only in their access rule, for the benchmark that measures what
 * authentication adds to a request (tools/bench/run.mjs): the same handler, the same answer and
 * the same access-log line, one public (charged to the caller's IP budget) and one that needs a
 * bearer credential (signature, revocation, user and tenant budgets). Mounted only when
 * BENCH_PROBES is set; not part of the public API.
 */
@ApiExcludeController()
@Controller('bench/probe')
export class BenchProbesController {
  @Public()
  @Get('public')
  publicProbe() {
    return ANSWER;
  }

  @Authenticated()
  @Get('authenticated')
  authenticatedProbe() {
    return ANSWER;
  }
}
