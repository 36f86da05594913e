import { describe, expect, it } from 'vitest';
import type { KafkaformError } from '../../../src/errors.js';
import { desiredContainers, type DesiredContainer } from '../../../src/plan/desired-containers.js';
import { interpolate } from '../../../src/spec/interpolate.js';
import { parseSpec } from '../../../src/spec/load.js';
import { DESKTOP, LINUX, kafkaSpec, serviceSpec, specWith } from './container-spec-builder.js';

const ui = (network: 'host' | 'bridge' | 'auto' = 'auto') => serviceSpec('ui', { env: { KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS: '${kafka.bootstrap}', OTHER: 'x' }, network });

function envOf(cs: DesiredContainer[], name: string): Record<string, string> {
  const d = cs.find((c) => c.name.endsWith(name))!;
  return Object.fromEntries((d.create.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

describe('${kafka.bootstrap} in a service env', () => {
  it('is kept by interpolation, not read from the environment', () => {
    expect(interpolate('${kafka.bootstrap}', {})).toEqual({ value: '${kafka.bootstrap}', errors: [] });
  });

  it('resolves to 127.0.0.1 ports on host networking (Linux engines)', () => {
    const cs = desiredContainers(specWith('shop', kafkaSpec({ nodes: 3, port: 9092 }), [ui()]), LINUX);
    expect(envOf(cs, 'ui').KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).toBe('127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094');
  });

  it('resolves to the internal listeners on bridge networking (Docker Desktop)', () => {
    const cs = desiredContainers(specWith('shop', kafkaSpec({ nodes: 2, port: 9092 }), [ui()]), DESKTOP);
    expect(envOf(cs, 'ui').KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).toBe('kafka-1:19092,kafka-2:19092');
    expect(envOf(cs, 'ui').OTHER).toBe('x');
  });

  it('is a spec error outside a service env', () => {
    const text = 'version: 1\nproject: p\ncluster:\n  bootstrapServers: localhost:9092\n  sasl: { mechanism: plain, username: "${kafka.bootstrap}", password: x }\n';
    let problems: string[] = [];
    try {
      parseSpec(text, 'kafka.config.yaml');
    } catch (e) {
      problems = (e as KafkaformError).problems.map((p) => `${p.at?.line}:${p.at?.col} ${p.message}`);
    }
    expect(problems).toEqual(["5:40 ${kafka.bootstrap} can only be used in a service's env"]);
  });
});
