import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LazyKafkaConnection } from '../../kafka/lazy-connection.js';
import { observe } from '../../apply/observe-docker-and-cluster.js';
import { ErrorCodes, KafkaformError } from '../../errors.js';
import { buildExport } from '../../export/build.js';
import { renderExport, renderSplitExport } from '../../export/render.js';
import { loadSpec, parseSpec } from '../../spec/load.js';
import type { Spec } from '../../spec/types.js';
import { plural } from '../../words.js';
import { ExitCode } from '../exit.js';
import type { GlobalOptions } from '../global-options.js';

/** Flags of `kafkaform export`. */
export interface ExportFlags {
  /** Where the cluster is; empty: the spec's cluster (-f, -e). */
  bootstrapServer: string[];
  include: string[];
  exclude: string[];
  project?: string;
  out?: string;
  split?: string;
}

/** `kafkaform export`: one batched observation of a live cluster, written as a spec (stdout, -o FILE or --split DIR). */
export async function runExport(g: GlobalOptions, f: ExportFlags): Promise<number> {
  const include = f.include.map((r) => regex(r, '--include'));
  const exclude = f.exclude.map((r) => regex(r, '--exclude'));
  const fromFlags = f.bootstrapServer.length > 0;
  const source = fromFlags ? flagSpec(f) : await loadSpec(g.file, process.env, { environment: g.environment });
  const project = f.project ?? (fromFlags ? undefined : source.project);
  if (!project) {
    throw new KafkaformError(ErrorCodes.USAGE, 'export needs a project name', { hint: 'pass --project NAME: it owns the topics once the spec is applied' });
  }
  const link = new LazyKafkaConnection(source, { debug: g.debug });
  const started = Date.now();
  try {
    const observed = await observe(source, { link, scope: { topics: [], all: true } });
    if (!observed.cluster) {
      throw new KafkaformError(ErrorCodes.CLUSTER_UNREACHABLE, 'the cluster is not running, so there is nothing to export', { hint: 'start it with `kafkaform apply`, or pass --bootstrap-server' });
    }
    const exported = buildExport(observed.cluster, {
      project,
      bootstrapServers: fromFlags || source.cluster.bootstrapServers.length ? link.bootstrapServers() : [],
      include,
      exclude,
      credentialsLeftOut: source.cluster.sasl !== null || source.cluster.tls !== null,
    });
    if (f.split !== undefined) {
      for (const [rel, text] of renderSplitExport(exported)) {
        const path = join(f.split, rel);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, text);
      }
    } else if (f.out !== undefined) await writeFile(f.out, renderExport(exported));
    else process.stdout.write(renderExport(exported));
    const where = f.split !== undefined ? ` to ${join(f.split, 'kafka.config.yaml')} and ${join(f.split, 'topics')}/` : f.out !== undefined ? ` to ${f.out}` : '';
    const skipped = exported.skipped ? ` (${exported.skipped} left out by --include/--exclude)` : '';
    process.stderr.write(`Exported ${plural(exported.topics.length, 'topic')}${skipped}${where} in ${((Date.now() - started) / 1000).toFixed(2)} s.\n`);
    return ExitCode.OK;
  } finally {
    await link.close();
  }
}

/** A spec that only says where the cluster is, from --bootstrap-server (validated like a spec's). */
function flagSpec(f: ExportFlags): Spec {
  const servers = f.bootstrapServer.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const text = `version: 1\nproject: ${JSON.stringify(f.project ?? 'export')}\ncluster:\n  bootstrapServers: ${JSON.stringify(servers)}\n`;
  return parseSpec(text, '--bootstrap-server');
}

/** A user's regular expression, or USAGE naming the flag. */
function regex(source: string, flag: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new KafkaformError(ErrorCodes.USAGE, `${flag} ${JSON.stringify(source)} is not a valid regular expression: ${(e as Error).message}`, {
      hint: `for example ${flag} '^orders\\.' (anchors are not implied)`,
    });
  }
}
