import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createDockerClient } from '../../docker/client.js';
import { ErrorCodes, KafkaformError } from '../../errors.js';
import { securityFiles } from '../../spec/security.js';
import type { Spec } from '../../spec/types.js';
import { renderClientConfig, type ClientCredentials } from '../client-config.js';
import { outputBootstrap } from '../../docker/status.js';
import { loadSpec } from '../../spec/load.js';
import type { GlobalOptions } from '../global-options.js';
import { envLines, outputsOf, type Outputs } from '../outputs.js';

/** Flags of `kafkaform output`. */
export interface OutputFlags {
  json: boolean;
  /** `env`: NAME=value lines for a CI environment file; `text`: the plain value(s); librdkafka/properties: client-config. */
  format: 'text' | 'env' | 'json' | 'librdkafka' | 'properties';
  /** Write to this file (0600) instead of stdout; only then does client-config hold the secrets. */
  out?: string;
}

/** The outputs of the spec, resolved the way `status` and apply resolve them (Docker only for network `auto`). */
export async function resolveOutputs(g: GlobalOptions): Promise<Outputs> {
  return (await resolveWithSpec(g)).outputs;
}

async function resolveWithSpec(g: GlobalOptions): Promise<{ spec: Spec; outputs: Outputs }> {
  const spec = await loadSpec(g.file, g.env, { environment: g.environment });
  const docker = spec.containers ? createDockerClient() : null;
  return { spec, outputs: outputsOf(spec, await outputBootstrap(docker, spec)) };
}

/** The credentials kafkaform itself connects with, files read here (the edge). Secret: password and key. */
function credentialsOf(spec: Spec): ClientCredentials {
  const { tls, sasl } = spec.cluster;
  const read = (p: string | null): string | null => (p ? readFileSync(p, 'utf8') : null);
  return {
    password: sasl?.password ?? null,
    caFile: tls?.caFile ?? null,
    certFile: tls?.certFile ?? null,
    keyFile: tls?.keyFile ?? null,
    caPem: read(tls?.caFile ?? null),
    certPem: read(tls?.certFile ?? null),
    keyPem: read(tls?.keyFile ?? null),
  };
}

/** Writes `text` to `file`, readable by its owner only (it may hold a password or a key). */
function writePrivate(file: string, text: string): void {
  try {
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    throw new KafkaformError(ErrorCodes.USAGE, `cannot write ${file}: ${(err as Error).message}`, { hint: 'choose a writable path for -o', cause: err });
  }
}

/**
 * `output ca`: the PEM of the CA the cluster's certificates chain to; `output client-config --format librdkafka|properties`:
 * a client config connecting as kafkaform does. Secrets go only into a file named by -o (0600), never to stdout.
 */
async function runSecurityOutput(g: GlobalOptions, name: 'ca' | 'client-config', f: OutputFlags): Promise<number> {
  const { spec, outputs } = await resolveWithSpec(g);
  let text: string;
  if (name === 'ca') {
    const security = spec.containers?.kafka?.security;
    const ca = security ? securityFiles(security.stateDir).ca : spec.cluster.tls?.caFile;
    if (!ca) {
      throw new KafkaformError(ErrorCodes.USAGE, 'the cluster has no CA file: neither containers.kafka.security (TLS listener) nor cluster.tls.ca is set', {
        hint: 'declare containers.kafka.security with listener SASL_SSL or SSL, or set cluster.tls.ca',
      });
    }
    text = readFileSync(ca, 'utf8');
  } else {
    const format = f.format === 'properties' ? 'properties' : f.format === 'librdkafka' ? 'librdkafka' : null;
    if (!format) throw new KafkaformError(ErrorCodes.USAGE, `output client-config takes --format librdkafka or --format properties, not ${f.format}`, { hint: 'e.g. kafkaform output client-config --format librdkafka -o client.conf' });
    text = renderClientConfig(outputs, credentialsOf(spec), format, f.out !== undefined);
  }
  if (f.out !== undefined) {
    writePrivate(f.out, text);
    process.stderr.write(`wrote ${f.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

/**
 * `kafkaform output [bootstrap] [--json | --format env]`: values for scripts and CI. Without a name, every output
 * (JSON object, or env lines); `bootstrap` alone prints the comma-separated servers (or a JSON array).
 */
export async function runOutput(g: GlobalOptions, name: string | undefined, f: OutputFlags): Promise<number> {
  if (name === 'ca' || name === 'client-config') return runSecurityOutput(g, name, f);
  if (f.format === 'librdkafka' || f.format === 'properties') {
    throw new KafkaformError(ErrorCodes.USAGE, `--format ${f.format} is for \`output client-config\``, { hint: `run kafkaform output client-config --format ${f.format}` });
  }
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
