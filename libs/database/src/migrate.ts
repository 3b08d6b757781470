import type { DataSource } from 'typeorm';

export interface MigrationRun {
  applied: string[];
}

/** Applies pending migrations, each in its own transaction. */
export async function runMigrations(dataSource: DataSource): Promise<MigrationRun> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return { applied: applied.map((m) => m.name) };
}

/** Reverts the last applied migration (rollbacks during an upgrade). */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await dataSource.undoLastMigration({ transaction: 'each' });
}
