/**
 * An IANA zone where it is now `hour`:00–`hour`:59, for tests of the calling-hours rule (a contact
 * "at noon" or "at 3 a.m." whatever time the test runs). Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
 */
export function zoneAtLocalHour(hour: number, now = new Date()): string {
  let offset = hour - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
