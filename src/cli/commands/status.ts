import pc from 'picocolors';
import { createDockerClient } from '../../docker/client.js';
import { containerStatus, outputBootstrap } from '../../docker/status.js';
import { loadSpec } from '../../spec/load.js';
import { ExitCode } from '../exit.js';
import type { GlobalOptions } from '../global-options.js';

/**
 * `kafkaform status`: the project's containers, their state, and the bootstrap servers. Exits 3
 * (NOT_RUNNING) when a declared container is not running (exited, absent, ...), so a pipeline can test it.
 */
export async function runStatus(g: GlobalOptions, o: { json: boolean }): Promise<number> {
  const spec = await loadSpec(g.file, process.env, { environment: g.environment });
  const docker = spec.containers ? createDockerClient() : null;
  const containers = docker ? await containerStatus(docker, spec) : [];
  const bootstrap = await outputBootstrap(docker, spec);
  const down = containers.filter((r) => r.declared && r.state !== 'running');
  const code = down.length > 0 ? ExitCode.NOT_RUNNING : ExitCode.OK;
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ formatVersion: 1, project: spec.project, bootstrapServers: bootstrap, containers }, null, 2)}\n`);
    return code;
  }
  const c = pc.createColors(g.color);
  const lines = [`Project ${c.bold(spec.project)}`, `Bootstrap servers: ${bootstrap.join(',') || c.dim('(none)')}`];
  if (!spec.containers) lines.push(c.dim('The spec declares no containers.'));
  else if (containers.length === 0) lines.push(c.dim('No containers.'));
  else {
    lines.push('');
    const width = Math.max(...containers.map((r) => r.name.length));
    for (const r of containers) {
      const state = r.state === 'running' ? c.green(r.state) : r.state === 'absent' ? c.dim(r.state) : c.yellow(r.state);
      const notes = [r.status, r.bootstrap ?? '', r.ports.join(' '), r.declared ? '' : 'not in the spec', r.outdated && r.declared ? 'outdated: apply recreates it' : '']
        .filter(Boolean)
        .join(', ');
      lines.push(`  ${r.name.padEnd(width)}  ${state.padEnd(g.color ? 17 : 7)}  ${r.image}  ${c.dim(notes)}`);
    }
  }
  if (down.length > 0) lines.push('', `Not running: ${down.map((r) => `${r.name} (${r.state})`).join(', ')}. \`kafkaform apply\` starts them.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return code;
}
