import type Docker from 'dockerode';
import { KafkaformError } from '../errors.js';
import { removeIdleNetworks, removeVolumes, stopAndRemove } from './resources.js';

/**
 * What one run created in Docker, in creation order: the only things a failed run may take away again.
 * A volume that existed before the run (it may hold data) is never listed, so it is never removed.
 */
export interface MadeByRun {
  containers: string[];
  volumes: string[];
  /** True when the run created one of the project's networks. */
  network: boolean;
}

/** An empty ledger for one run. */
export function newLedger(): MadeByRun {
  return { containers: [], volumes: [], network: false };
}

/**
 * Removes what the run created (containers last-made first, then their new volumes and the project's idle
 * networks), so a failed start leaves nothing half-made; containers and volumes that existed before stay.
 * Returns the names removed. Best effort: a removal that fails is left for `destroy`.
 */
export async function removeMade(docker: Docker, project: string, made: MadeByRun): Promise<string[]> {
  const removed: string[] = [];
  for (const name of [...made.containers].reverse()) {
    if (await stopAndRemove(docker, name, null).then(() => true, () => false)) removed.push(name);
  }
  for (const volume of made.volumes) {
    if (await removeVolumes(docker, [volume]).then(() => true, () => false)) removed.push(`volume ${volume}`);
  }
  if (made.network) await removeIdleNetworks(docker, project).catch(() => undefined);
  made.containers = [];
  made.volumes = [];
  made.network = false;
  return removed;
}

/** The same error, its message saying what was removed so the next apply starts clean. */
export function withRemoved(err: unknown, removed: string[]): unknown {
  if (!(err instanceof KafkaformError) || removed.length === 0) return err;
  const [first, ...rest] = err.message.split('\n');
  const note = `${first} (removed what this run created: ${removed.join(', ')})`;
  return new KafkaformError(err.code, [note, ...rest].join('\n'), { hint: err.hint, details: { ...err.details, removed }, problems: err.problems, cause: err.cause });
}
