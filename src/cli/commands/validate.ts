import { plural } from '../../words.js';
import pc from 'picocolors';
import type { GlobalOptions } from '../global-options.js';
import { formatPos } from '../../errors.js';
import { loadDesired } from '../session.js';

/** `kafkaform validate`: loads the spec and its seed files offline; errors carry file:line:col. */
export async function runValidate(g: GlobalOptions, o: { json: boolean }): Promise<number> {
  const { spec, seeds } = await loadDesired(g.file, g.environment, g.env);
  const messages = seeds.reduce((n, s) => n + s.count, 0);
  const nodes = spec.containers?.kafka?.nodes ?? 0;
  if (o.json) {
    const doc = { formatVersion: 1, valid: true, file: spec.file, project: spec.project, topics: spec.topics.length, kafkaNodes: nodes, services: spec.containers?.services.length ?? 0, seedMessages: messages, warnings: spec.warnings ?? [] };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  const c = pc.createColors(g.color);
  const parts = [`project ${spec.project}`, plural(spec.topics.length, 'topic')];
  if (nodes) parts.push(`a ${nodes}-node Kafka cluster`);
  if (spec.containers?.services.length) parts.push(`${spec.containers.services.length} extra container(s)`);
  if (messages) parts.push(plural(messages, 'seed message'));
  process.stdout.write(`${c.green('✓')} ${g.file} is valid: ${parts.join(', ')}.\n`);
  for (const w of spec.warnings ?? []) {
    const where = w.at ? `${formatPos(w.at)}: ` : '';
    process.stdout.write(`  ${c.yellow('!')} ${where}${w.path ? `${c.dim(w.path)}: ` : ''}${w.message}\n`);
    if (w.hint) process.stdout.write(`      ${c.cyan('fix:')} ${w.hint}\n`);
  }
  return 0;
}
