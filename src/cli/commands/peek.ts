import { LazyKafkaConnection } from '../../kafka/lazy-connection.js';
import { createDockerClient } from '../../docker/client.js';
import { observeEngine } from '../../docker/observe-containers.js';
import { PEEK_PAGE, peek, peekFooter } from '../../peek/peek.js';
import { loadSpec } from '../../spec/load.js';
import type { GlobalOptions } from '../global-options.js';

/** Flags of `kafkaform peek`. */
export interface PeekFlags {
  limit?: number;
  follow: boolean;
  partition?: number;
  fromOffset?: string;
  json: boolean;
}

/** `kafkaform peek TOPIC`: reads from the beginning without a consumer group; Ctrl-C ends --follow cleanly. */
export async function runPeek(g: GlobalOptions, topic: string, f: PeekFlags): Promise<number> {
  const spec = await loadSpec(g.file, process.env, { environment: g.environment });
  const link = new LazyKafkaConnection(spec, { debug: g.debug });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (spec.cluster.bootstrapServers.length === 0 && spec.containers?.kafka?.network === 'auto') {
      await link.setEngine(await observeEngine(createDockerClient()));
    }
    // On a terminal a page, not the whole topic; a pipe gets every message unless --limit says otherwise.
    const limit = f.limit ?? (process.stdout.isTTY && !f.follow ? PEEK_PAGE : undefined);
    const result = await peek(link.connection(), {
      topic,
      ...(limit !== undefined ? { limit } : {}),
      ...(f.partition !== undefined ? { partition: f.partition } : {}),
      ...(f.fromOffset !== undefined ? { fromOffset: f.fromOffset } : {}),
      follow: f.follow,
      json: f.json,
      color: g.color,
      write: (line: string) => process.stdout.write(`${line}\n`),
      signal: abort.signal,
    });
    if (!f.json) for (const line of peekFooter(result, topic)) process.stderr.write(`${line}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await link.close();
  }
}
