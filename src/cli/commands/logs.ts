import { createDockerClient } from '../../docker/client.js';
import { writeLogs } from '../../docker/logs.js';
import { containerStatus } from '../../docker/status.js';
import { ErrorCodes, KafkaformError } from '../../errors.js';
import { loadSpec } from '../../spec/load.js';
import { suggest } from '../../spec/suggest.js';
import type { GlobalOptions } from '../global-options.js';

/** Flags of `kafkaform logs`. */
export interface LogsFlags {
  tail?: number;
  follow: boolean;
}

/**
 * `kafkaform logs [NAME]`: the output of the project's containers (all of them, or the one NAME names: its
 * container name or the part after "<project>-", e.g. kafka-1). With --follow, streams until they stop.
 */
export async function runLogs(g: GlobalOptions, name: string | undefined, f: LogsFlags): Promise<number> {
  const spec = await loadSpec(g.file, g.env, { environment: g.environment });
  if (!spec.containers) {
    throw new KafkaformError(ErrorCodes.USAGE, 'this spec declares no containers: there are no logs to show', {
      hint: 'logs shows the containers that `kafkaform apply` starts from the containers section',
    });
  }
  const docker = createDockerClient();
  const existing = (await containerStatus(docker, spec)).filter((r) => r.state !== 'absent').map((r) => r.name);
  const names = name === undefined ? existing : [pick(existing, name, spec.project)];
  if (names.length === 0) {
    throw new KafkaformError(ErrorCodes.CONTAINER_FAILED, `project ${spec.project} has no containers`, { hint: 'run `kafkaform apply` to create them' });
  }
  await writeLogs(docker, names, { tail: f.tail, follow: f.follow }, process.stdout);
  return 0;
}

/** The container NAME means, in full or without the project prefix; USAGE with a suggestion otherwise. */
function pick(existing: string[], name: string, project: string): string {
  const found = existing.find((n) => n === name || n === `${project}-${name}`);
  if (found) return found;
  const short = existing.map((n) => (n.startsWith(`${project}-`) ? n.slice(project.length + 1) : n));
  const guess = suggest(name, short);
  throw new KafkaformError(ErrorCodes.USAGE, `project ${project} has no container "${name}"${guess ? `; did you mean "${guess}"?` : ''}`, {
    hint: existing.length > 0 ? `its containers: ${short.join(', ')}` : 'run `kafkaform apply` to create them',
  });
}
