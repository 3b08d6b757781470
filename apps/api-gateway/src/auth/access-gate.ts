import type Redis from 'ioredis';
import { UnavailableError } from '@engage/errors';

/**
 * One Redis script per request answers both questions the gateway has about a caller:
 *
 * 1. Revocation, for an access token: was this token logged out (its jti key exists), or were all
 *    of the user's tokens revoked after it was issued (deactivation, password reset, role
 *    change)? A revoked token is refused and charged nothing.
 * 2. Request budgets, as sliding windows: a budget of N per window admits a request when
 *
 *        previous window's count × share of the window still overlapping + current count < N
 *
 *    (the weighted two-window estimate of the last full window), so a caller cannot spend two
 *    budgets across a window boundary as with fixed windows. A request is charged to every
 *    budget or to none: a refused request is not counted, so a caller that waits out
 *    Retry-After gets in. Times come from the Redis clock, so gateway replicas agree.
 *
 * Every value the script reads (both revocation keys and the two window counters of each
 * budget) comes from one MGET, and an admitted request adds one INCR per budget: Redis runs a
 * few commands per request however many budgets it charges. Each window's count is its own key,
 * `<budget key>:<window number>`, which expires two windows after it starts (the next window
 * still weighs it), so nothing has to delete old windows.
 *
 * KEYS: the two revocation keys (jti, user) when checking a token, then one key per budget (the
 * counters' prefix).
 * ARGV: number of revocation keys (0 or 2), window in seconds, the token's issued-at in ms (0
 * without a token), then one limit per budget.
 * Returns {revoked, admitted, then per budget: estimated count with this request, ms until the
 * next request would be admitted (when refused) or until the current window ends}.
 */
export const GATE_LUA = `
local nrev = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = math.floor(now / window)
local elapsed = now - current * window
local weight = (window - elapsed) / window
local cur = ':' .. current
local prev = ':' .. (current - 1)
local names = {}
for i = 1, nrev do names[i] = KEYS[i] end
for i = nrev + 1, #KEYS do
  names[#names + 1] = KEYS[i] .. prev
  names[#names + 1] = KEYS[i] .. cur
end
local values = redis.call('MGET', unpack(names))
if nrev > 0 then
  if values[1] then return {1, 0} end
  if values[2] and tonumber(ARGV[3]) <= tonumber(values[2]) then return {1, 0} end
end
local result = {0, 1}
for i = nrev + 1, #KEYS do
  local limit = tonumber(ARGV[3 + i - nrev])
  local at = nrev + 2 * (i - nrev) - 1
  local previous = tonumber(values[at] or '0')
  local counted = tonumber(values[at + 1] or '0')
  local estimate = math.floor(previous * weight) + counted + 1
  local wait = window - elapsed
  if estimate > limit then
    result[2] = 0
    if counted + 1 > limit then
      wait = window - elapsed + math.ceil(window * (counted + 1 - limit) / (counted + 1))
    else
      wait = math.ceil(window - elapsed - (limit - counted - 1) * window / previous)
    end
    if wait < 1 then wait = 1 end
  end
  result[#result + 1] = estimate
  result[#result + 1] = wait
end
if result[2] == 1 then
  for i = nrev + 1, #KEYS do
    -- The first request of a window sets its counter's expiry; later ones only count.
    if redis.call('INCR', KEYS[i] .. cur) == 1 then redis.call('PEXPIRE', KEYS[i] .. cur, window * 2) end
  end
end
return result
`;

/** The revocation keys of one access token and when it was issued. */
export interface RevocationCheck {
  jtiKey: string;
  userKey: string;
  issuedAtMs: number;
}

export interface Budget {
  key: string;
  limit: number;
}

export interface BudgetState {
  limit: number;
  /** Requests in the sliding window, this one included. */
  used: number;
  /** Until the next request would be admitted (refused), or until the current window ends. */
  waitMs: number;
}

export interface GateResult {
  revoked: boolean;
  admitted: boolean;
  budgets: BudgetState[];
}

type GateCommand = (...numKeysThenArgs: Array<string | number>) => Promise<number[]>;

/** A prepared gate call: the script's arguments and the budgets they charge. */
export interface GateCall {
  args: Array<string | number>;
  budgets: readonly Budget[];
}

/** Runs {@link GATE_LUA}: the one Redis call the gateway makes per request. */
export class AccessGate {
  private readonly run: GateCommand;

  /** `windowS`: the budgets' window (one minute in service; shorter in tests). */
  constructor(
    redis: Redis,
    private readonly windowS = 60,
  ) {
    redis.defineCommand('engageAccessGate', { lua: GATE_LUA });
    this.run = (redis as unknown as { engageAccessGate: GateCommand }).engageAccessGate.bind(redis);
  }

  pass(revocation: RevocationCheck | null, budgets: readonly Budget[]): Promise<GateResult> {
    return this.call(this.prepare(revocation, budgets));
  }

  /** The script's arguments for one caller: the same on every request of that caller, so they can be kept. */
  prepare(revocation: RevocationCheck | null, budgets: readonly Budget[]): GateCall {
    const keys = revocation ? [revocation.jtiKey, revocation.userKey] : [];
    for (const b of budgets) keys.push(b.key);
    const args: Array<string | number> = [keys.length, ...keys, revocation ? 2 : 0, this.windowS, revocation?.issuedAtMs ?? 0];
    for (const b of budgets) args.push(b.limit);
    return { args, budgets };
  }

  call({ args, budgets }: GateCall): Promise<GateResult> {
    return this.run(...args).then(
      (reply) => ({
        revoked: reply[0] === 1,
        admitted: reply[1] === 1,
        budgets: budgets.map((b, i) => ({ limit: b.limit, used: Number(reply[2 + 2 * i] ?? 0), waitMs: Number(reply[3 + 2 * i] ?? 0) })),
      }),
      () => {
        // Without the revocation list or the budgets a request cannot be judged: 503, not 500.
        throw new UnavailableError('The session store');
      },
    );
  }
}
