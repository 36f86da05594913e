import type Docker from 'dockerode';
import type { ActionResult } from '../plan/types.js';
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

/** The same failed result, its message saying what was removed so the next apply starts clean. */
export function noteRemoved(result: ActionResult, removed: string[]): ActionResult {
  if (!result.error || removed.length === 0) return result;
  const [first, ...rest] = result.error.message.split('\n');
  const message = [`${first} (removed what this run created: ${removed.join(', ')})`, ...rest].join('\n');
  return { ...result, error: { ...result.error, message } };
}
