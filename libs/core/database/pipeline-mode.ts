import type { EntityManager } from 'typeorm';

interface PipelinableClient {
  pipeline: boolean;
}

/**
 * Runs `work` with the transaction's pg connection in pg's pipeline mode (pg 8.23+, the `pipeline`
 * client option): statements sent without awaiting the one before go to PostgreSQL at once and are
 * answered in order, which is what the import relies on to keep PostgreSQL busy while Node reads the
 * next batch. Without it pg queues them itself and warns that doing so is deprecated. The mode is
 * switched on while the connection is idle, and off once every statement sent in it has been answered; a query
 * that keeps a portal open (pg-query-stream) is refused in this mode, and the import uses none.
 */
export async function inPipelineMode<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
  const client = (manager.queryRunner as unknown as { databaseConnection?: PipelinableClient } | undefined)?.databaseConnection;
  if (!client || typeof client.pipeline !== 'boolean') return work();
  client.pipeline = true;
  try {
    return await work();
  } finally {
    // answers come in order: once this one is in, nothing sent before it is still on the wire, and the
    // connection may go back to one statement at a time (in an aborted transaction it answers an error)
    await manager.query('SELECT 1').catch(() => undefined);
    client.pipeline = false;
  }
}
