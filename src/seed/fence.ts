import type { KafkaConnection } from '../kafka/client.js';
import { requestFailed } from '../kafka/errors.js';
import { STATE_TOPIC } from '../kafka/state.js';
import { RecordBatchTransaction } from '../kafka/record-batch-transaction.js';
import { seedTransactionalId, SEED_TRANSACTION_TIMEOUT_MS } from './produce.js';

/** InitProducerId requests in flight at once while fencing. */
const PARALLEL = 8;

/**
 * Fences the project's seed producers of these topics (InitProducerId on each stable transactional id): the
 * broker aborts any transaction one of them left open, at once instead of after its 120 s timeout. Used by
 * apply before its first ledger read, when the project's state partition has an open transaction. It also
 * aborts a transaction another apply of the same project has open right now; that apply then fails with
 * CONCURRENT_APPLY and nothing of its entry is committed, so nothing is produced twice or lost.
 */
export async function fenceSeedTransactions(conn: KafkaConnection, project: string, topics: readonly string[]): Promise<void> {
  const queue = [...new Set(topics)];
  const worker = async (): Promise<void> => {
    for (let topic = queue.shift(); topic !== undefined; topic = queue.shift()) {
      try {
        const txn = await RecordBatchTransaction.begin(conn, seedTransactionalId(project, topic), [STATE_TOPIC], { transactionTimeoutMs: SEED_TRANSACTION_TIMEOUT_MS });
        await txn.close();
      } catch (err) {
        throw requestFailed('fence the seed transactions of', topic, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
}
