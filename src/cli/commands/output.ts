import { createDockerClient } from '../../docker/client.js';
import { outputBootstrap } from '../../docker/status.js';
import { loadSpec } from '../../spec/load.js';
import type { GlobalOptions } from '../global-options.js';
import { envLines, outputsOf, type Outputs } from '../outputs.js';

/** Flags of `kafkaform output`. */
export interface OutputFlags {
  json: boolean;
  /** `env`: NAME=value lines for a CI environment file; `text`: the plain value(s). */
  format: 'text' | 'env' | 'json';
}

/** The outputs of the spec, resolved the way `status` and apply resolve them (Docker only for network `auto`). */
export async function resolveOutputs(g: GlobalOptions): Promise<Outputs> {
  const spec = await loadSpec(g.file, g.env, { environment: g.environment });
  const docker = spec.containers ? createDockerClient() : null;
  return outputsOf(spec, await outputBootstrap(docker, spec));
}

/**
 * `kafkaform output [bootstrap] [--json | --format env]`: values for scripts and CI. Without a name, every output
 * (JSON object, or env lines); `bootstrap` alone prints the comma-separated servers (or a JSON array).
 */
export async function runOutput(g: GlobalOptions, name: string | undefined, f: OutputFlags): Promise<number> {
  const format = f.json ? 'json' : f.format;
  const outputs = await resolveOutputs(g);
  let text: string;
  if (format === 'env') {
    const lines = envLines(outputs);
    text = (name === 'bootstrap' ? lines.filter((l) => l.startsWith('KAFKA_BOOTSTRAP_SERVERS=')) : lines).join('\n');
  } else if (name === 'bootstrap') {
    text = format === 'json' ? JSON.stringify(outputs.bootstrapServers) : outputs.bootstrapServers.join(',');
  } else if (format === 'json') {
    text = JSON.stringify(outputs, null, 2);
  } else {
    text = envLines(outputs).join('\n');
  }
  process.stdout.write(`${text}\n`);
  return 0;
}
