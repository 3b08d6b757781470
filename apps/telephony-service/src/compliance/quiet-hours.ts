/** Calls and texts are allowed from 08:00 up to (not including) 21:00 recipient local time (TCPA). */
export const CALLING_HOURS = { fromMinute: 8 * 60, untilMinute: 21 * 60 } as const;

/** Minutes since local midnight in `zone` at `now`. */
export function localMinuteOfDay(now: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

/**
 * The zones of `zones` where it is outside calling hours at `now` (empty = allowed everywhere).
 * With several candidate zones every one must be inside: the earliest local time must be past
 * 08:00 and the latest before 21:00.
 */
export function zonesOutsideCallingHours(zones: readonly string[], now: Date): Array<{ zone: string; local_time: string }> {
  return zones
    .map((zone) => ({ zone, minute: localMinuteOfDay(now, zone) }))
    .filter(({ minute }) => minute < CALLING_HOURS.fromMinute || minute >= CALLING_HOURS.untilMinute)
    .map(({ zone, minute }) => ({ zone, local_time: `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}` }));
}
