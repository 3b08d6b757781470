import { Client, type ClientBase } from 'pg';
import type { RegistryConnection } from './national-dnc-importer';

/** A transaction runner over one `pg` connection (the import's, as the schema's owner role). */
export function pgRegistryConnection(client: ClientBase): RegistryConnection {
  return {
    async transaction(work) {
      await client.query('BEGIN');
      try {
        const result = await work({ query: async (text, params = []) => (await client.query(text, params as unknown[])).rows });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
  };
}

/** Runs `work` on a fresh connection to `databaseUrl`, closed afterwards. */
export async function withRegistryConnection<T>(databaseUrl: string, work: (db: RegistryConnection) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'engage-dnc-import' });
  await client.connect();
  try {
    return await work(pgRegistryConnection(client));
  } finally {
    await client.end();
  }
}
