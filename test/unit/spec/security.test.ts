import { describe, expect, it } from 'vitest';
import { KafkaformError } from '../../../src/errors.js';
import { parseSpec } from '../../../src/spec/load.js';

const PW = 'Kn0wn-unit-Secr3t';

function spec(security: string, properties = ''): string {
  return `version: 1
project: shop
containers:
  kafka:
    port: 57050
${properties}    security:
${security}
topics:
  orders: {}
`;
}

function problems(text: string, env: Record<string, string> = { PW }): { line: number; col: number; message: string; hint?: string }[] {
  try {
    parseSpec(text, 'kafka.config.yaml', env);
  } catch (e) {
    expect(e).toBeInstanceOf(KafkaformError);
    return (e as KafkaformError).problems.map((p) => ({ line: p.at!.line, col: p.at!.col, message: p.message, hint: p.hint }));
  }
  throw new Error('spec was accepted');
}

describe('containers.kafka.security', () => {
  it('defaults to SASL_SSL with SCRAM-SHA-512 and an admin kafkaform connects as', () => {
    const s = parseSpec(spec('      admin: { password: "${PW}" }'), '/tmp/p/kafka.config.yaml', { PW });
    const sec = s.containers!.kafka!.security!;
    expect(sec).toMatchObject({ listener: 'SASL_SSL', mechanism: 'SCRAM-SHA-512', admin: { username: 'admin', password: PW }, authorizer: false, stateDir: '/tmp/p/.kafkaform/shop/tls' });
    expect(s.cluster.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'admin', password: PW });
    expect(s.cluster.tls).toEqual({ caFile: '/tmp/p/.kafkaform/shop/tls/ca.pem', certFile: null, keyFile: null, rejectUnauthorized: true });
  });

  it('SSL connects with the admin client certificate; SASL_PLAINTEXT without TLS', () => {
    const ssl = parseSpec(spec('      listener: SSL\n      authorizer: true'), '/tmp/p/kafka.config.yaml', {});
    expect(ssl.containers!.kafka!.security).toMatchObject({ listener: 'SSL', mechanism: null, authorizer: true });
    expect(ssl.cluster.sasl).toBeNull();
    expect(ssl.cluster.tls).toMatchObject({ certFile: '/tmp/p/.kafkaform/shop/tls/client.pem', keyFile: '/tmp/p/.kafkaform/shop/tls/client.key' });
    const plain = parseSpec(spec('      listener: SASL_PLAINTEXT\n      mechanism: PLAIN\n      admin: { username: ops, password: "${PW}" }'), '/tmp/p/kafka.config.yaml', { PW });
    expect(plain.cluster.tls).toBeNull();
    expect(plain.cluster.sasl).toEqual({ mechanism: 'plain', username: 'ops', password: PW });
  });

  it('an explicit cluster section wins over the derived credentials', () => {
    const text = spec('      admin: { password: "${PW}" }').replace('topics:', 'cluster:\n  sasl: { mechanism: plain, username: other, password: "${PW}" }\ntopics:');
    expect(parseSpec(text, '/tmp/p/kafka.config.yaml', { PW }).cluster.sasl?.username).toBe('other');
  });

  it('reports mistakes at file:line:col with a fix, never showing the password', () => {
    expect(problems(spec('      listener: SASL_SSL'))).toEqual([
      expect.objectContaining({ line: 6, col: 5, message: 'listener SASL_SSL needs the admin\'s password', hint: expect.stringContaining('${KAFKA_ADMIN_PASSWORD}') }),
    ]);
    expect(problems(spec('      listener: SSL\n      mechanism: PLAIN'))[0]).toMatchObject({ line: 8, col: 7, message: expect.stringContaining('a mechanism does not apply') });
    expect(problems(spec('      listener: TLS\n      admin: { password: x }'))).toEqual([expect.objectContaining({ line: 7, col: 17, message: expect.stringContaining('SASL_SSL') })]);
    expect(problems(spec('      mechanism: SCRAM-SHA-1\n      admin: { password: x }'))[0]).toMatchObject({ line: 7, col: 18 });
    const bad = problems(spec('      admin: { password: "${PW}" }'), { PW: 'has,comma' });
    expect(bad[0]).toMatchObject({ line: 7, col: 26, message: expect.stringContaining('value not shown') });
    expect(JSON.stringify(bad)).not.toContain('has,comma');
    expect(problems(spec('      admin: { password: "${NOPE}" }'))[0]?.message).toContain('NOPE');
  });

  it('refuses broker properties that security manages', () => {
    const p = problems(spec('      admin: { password: "${PW}" }', '    properties:\n      super.users: User:bob\n      log.retention.hours: 1\n'));
    expect(p).toEqual([expect.objectContaining({ line: 7, col: 7, message: 'broker property "super.users" is managed by containers.kafka.security' })]);
  });
});
