import { stringify } from 'yaml';
import type { ExportedSpec, ExportedTopic } from './build.js';

/** A YAML scalar on one line, quoted only when YAML needs it (a topic named "1234" stays a string). */
function scalar(v: string | number | boolean): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

/** The lines of one topic under `topics:`, indented by two. */
function topicLines(t: ExportedTopic): string[] {
  const out = [`  ${scalar(t.name)}:`, `    partitions: ${t.partitions}`, `    replicationFactor: ${t.replicationFactor}`];
  if (t.config.length) {
    out.push('    config:');
    for (const c of t.config) {
      if ('leftOut' in c) out.push(`      # ${c.key}: left out (${c.leftOut})`);
      else out.push(`      ${c.key}: ${scalar(c.value)}`);
    }
  }
  return out;
}

/** The header and top-level keys every exported root file starts with. No timestamp: re-exporting an unchanged cluster gives the same file. */
function rootLines(spec: ExportedSpec): string[] {
  const out = [
    `# Written by \`kafkaform export\`: ${spec.topics.length} topic${spec.topics.length === 1 ? '' : 's'}.`,
    '# Topic overrides only (configSource TOPIC_CONFIG): broker and default values are inherited, so they are not written.',
    'version: 1',
    `project: ${scalar(spec.project)}`,
  ];
  if (spec.bootstrapServers.length || spec.credentialsLeftOut) {
    out.push('cluster:');
    if (spec.bootstrapServers.length) out.push(`  bootstrapServers: [${spec.bootstrapServers.map(scalar).join(', ')}]`);
    if (spec.credentialsLeftOut) out.push('  # sasl/tls: left out (credentials are never exported); add them with ${VAR} references');
  }
  return out;
}

/** The whole export as one spec file. */
export function renderExport(spec: ExportedSpec): string {
  const out = rootLines(spec);
  out.push(spec.topics.length ? 'topics:' : 'topics: {}');
  for (const t of spec.topics) out.push(...topicLines(t));
  return out.join('\n') + '\n';
}

/** File name of a topic's file under the split directory (topic names are safe file names: [a-zA-Z0-9._-]). */
export function topicFileName(topic: string): string {
  return `${topic}.yaml`;
}

/** The export as a root file that includes topics/*.yaml, and one topics-only file per topic (path → text). */
export function renderSplitExport(spec: ExportedSpec): Map<string, string> {
  const files = new Map<string, string>();
  files.set('kafka.config.yaml', [...rootLines(spec), 'include:', '  - topics/*.yaml'].join('\n') + '\n');
  for (const t of spec.topics) {
    files.set(`topics/${topicFileName(t.name)}`, ['# A topics-only file, included by ../kafka.config.yaml.', 'topics:', ...topicLines(t)].join('\n') + '\n');
  }
  return files;
}
