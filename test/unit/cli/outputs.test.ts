import { describe, expect, it } from 'vitest';
import { envLines, outputsOf } from '../../../src/cli/outputs.js';
import { parseSpec } from '../../../src/spec/load.js';

const BASE = `version: 1
project: shop
cluster:
  bootstrapServers: [b1:9093, b2:9093]
  clientId: shop-tests
topics:
  orders: { partitions: 3, config: { retention.ms: 1d } }
  audit: {}
`;

describe('outputs', () => {
  it('plain: address, client id, PLAINTEXT, the declared topics', () => {
    const spec = parseSpec(BASE, 'kafka.config.yaml');
    const o = outputsOf(spec, spec.cluster.bootstrapServers);
    expect(o.topics).toEqual([
      { name: 'audit', partitions: null, replicationFactor: null, config: {} },
      { name: 'orders', partitions: 3, replicationFactor: null, config: { 'retention.ms': '86400000' } },
    ]);
    expect(envLines(o)).toEqual([
      'KAFKA_BOOTSTRAP_SERVERS=b1:9093,b2:9093',
      'KAFKA_CLIENT_ID=shop-tests',
      'KAFKA_SECURITY_PROTOCOL=PLAINTEXT',
      'KAFKA_TOPICS=audit,orders',
      'KAFKAFORM_PROJECT=shop',
    ]);
  });

  it('SASL over TLS: protocol, mechanism and user, never the password', () => {
    const text = BASE.replace('  clientId: shop-tests\n', '  clientId: shop-tests\n  tls: true\n  sasl: { mechanism: scram-sha-512, username: svc, password: "${PW}" }\n');
    const spec = parseSpec(text, 'kafka.config.yaml', { PW: 's3cret-value' });
    const o = outputsOf(spec, spec.cluster.bootstrapServers);
    expect(o).toMatchObject({ securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', saslUsername: 'svc' });
    const lines = envLines(o);
    expect(lines).toContain('KAFKA_SASL_MECHANISM=SCRAM-SHA-512');
    expect(lines).toContain('KAFKA_SASL_USERNAME=svc');
    expect(JSON.stringify(o) + lines.join('\n')).not.toContain('s3cret-value');
  });

  it('env lines stay one variable a line', () => {
    const spec = parseSpec(BASE, 'kafka.config.yaml');
    const o = { ...outputsOf(spec, ['a:1']), clientId: 'two\nlines' };
    expect(envLines(o)[1]).toBe('KAFKA_CLIENT_ID=twolines');
  });
});
