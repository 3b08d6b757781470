// TAP-ish reporting: one line per check, "ok - <what>" or "not ok - <what>: <why>", and a
// closing "N passed, N failed" line. Exit code 1 when anything failed.
export class Report {
  constructor({ quiet = false } = {}) {
    this.results = [];
    this.quiet = quiet;
  }
  add(what, problems) {
    const list = [].concat(problems ?? []).filter(Boolean);
    const ok = list.length === 0;
    this.results.push({ what, ok, problems: list });
    if (!this.quiet) {
      const why = list.length > 6 ? [...list.slice(0, 6), `... and ${list.length - 6} more`] : list;
      process.stdout.write(ok ? `ok - ${what}\n` : `not ok - ${what}: ${why.join('; ')}\n`);
    }
    return ok;
  }
  // Runs fn(); a throw counts as a failure of that check.
  async check(what, fn) {
    try {
      return this.add(what, await fn());
    } catch (err) {
      return this.add(what, [String(err?.message ?? err).split('\n').filter(Boolean).slice(0, 4).join(' | ')]);
    }
  }
  get passed() {
    return this.results.filter((r) => r.ok).length;
  }
  get failed() {
    return this.results.length - this.passed;
  }
  finish() {
    process.stdout.write(`${this.passed} passed, ${this.failed} failed\n`);
    return this.failed === 0 ? 0 : 1;
  }
}
