/**
 * Work that must wait until a transaction's changes are visible to everyone: a live push of what
 * the transaction wrote, a call that hands another service something the transaction created.
 * Doing it inside the transaction would announce what a rollback may still undo.
 *
 * `afterCommit(tx, callback)` registers `callback` on a transaction that {@link TenantDatabase}
 * opened (as a `Tx`). When the transaction
 * commits, the callbacks run in order, after the commit and before `transaction(...)` resolves;
 * when it rolls back they are dropped. They are best-effort: a callback that fails is reported to
 * `onAfterCommitError` and never turns a committed transaction into a failed call, so the callback
 * itself must be something whose loss is tolerable (or that is retried from a durable record).
 */
export type AfterCommitCallback = () => unknown;

const pending = new WeakMap<object, AfterCommitCallback[]>();

let reportError: (error: unknown) => void = () => undefined;

/** Where failures of after-commit callbacks go (the service runtime points it at its logger). */
export function onAfterCommitError(report: (error: unknown) => void): void {
  reportError = report;
}

/** Runs `callback` once the transaction of `tx` has committed (never if it rolls back). */
export function afterCommit(tx: object, callback: AfterCommitCallback): void {
  const callbacks = pending.get(tx);
  if (!callbacks) throw new Error('afterCommit needs a transaction opened by TenantDatabase');
  callbacks.push(callback);
}

/** Marks `tx` as a transaction that accepts after-commit callbacks (TenantDatabase only). */
export function openAfterCommit(tx: object): void {
  pending.set(tx, []);
}

/** Runs the callbacks of a committed transaction, in order; each failure is reported, none is thrown. */
export async function runAfterCommit(tx: object): Promise<void> {
  const callbacks = pending.get(tx) ?? [];
  pending.delete(tx);
  for (const callback of callbacks) {
    try {
      await callback();
    } catch (error) {
      reportError(error);
    }
  }
}

/**
 * How many callbacks `tx` holds so far: taken at a savepoint, so that rolling back to the
 * savepoint can also forget the callbacks registered since ({@link dropAfterCommitSince}).
 */
export function afterCommitMark(tx: object): number {
  return pending.get(tx)?.length ?? 0;
}

/** Forgets the callbacks registered on `tx` after `mark` (their work was rolled back to a savepoint). */
export function dropAfterCommitSince(tx: object, mark: number): void {
  pending.get(tx)?.splice(mark);
}

/** Forgets the callbacks of a transaction that rolled back. */
export function dropAfterCommit(tx: object): void {
  pending.delete(tx);
}

/**
 * Runs `transaction` (which opens `tx` and hands it to the work) and then, only if it committed,
 * the callbacks registered on `tx`.
 */
export async function withAfterCommit<T, X extends object>(run: (register: (tx: X) => X) => Promise<T>): Promise<T> {
  let opened: X | undefined;
  const register = (tx: X): X => {
    opened = tx;
    openAfterCommit(tx);
    return tx;
  };
  let result: T;
  try {
    result = await run(register);
  } catch (error) {
    if (opened) dropAfterCommit(opened);
    throw error;
  }
  if (opened) await runAfterCommit(opened);
  return result;
}
