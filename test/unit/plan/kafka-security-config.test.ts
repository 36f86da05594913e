import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { desiredContainers } from '../../../src/plan/desired-containers.js';
import { kafkaNodeProperties } from '../../../src/plan/kafka-node-config.js';
import { jaasConfig, scramArgument, securityContainerFiles } from '../../../src/plan/kafka-security-config.js';
import { tarOf } from '../../../src/docker/tar.js';
import type { KafkaSecuritySpec } from '../../../src/spec/types.js';
import { DESKTOP, kafkaSpec, LINUX, specWith } from './container-spec-builder.js';

const PW = 'Kn0wn-docker-Secr3t';
const pos = { file: 'f', line: 1, col: 1 };

function security(over: Partial<KafkaSecuritySpec> = {}): KafkaSecuritySpec {
  return { listener: 'SASL_SSL', mechanism: 'SCRAM-SHA-512', admin: { username: 'admin', password: PW }, authorizer: true, stateDir: '/tmp/x', fingerprint: 'abc123', pos, ...over };
}

describe('a secured Kafka node', () => {
  it('names its client listener after the protocol, runs the controllers on mTLS and enables the one mechanism', () => {
    const props = kafkaNodeProperties(kafkaSpec({ security: security(), port: 57001, controllerPort: 57101 }), 1, 'host');
    expect(props).toMatchObject({
      listeners: 'SASL_SSL://127.0.0.1:57001,CONTROLLER://127.0.0.1:57101',
      'advertised.listeners': 'SASL_SSL://127.0.0.1:57001',
      'inter.broker.listener.name': 'SASL_SSL',
      'listener.security.protocol.map': 'CONTROLLER:SSL,SASL_SSL:SASL_SSL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'ssl.client.auth': 'required',
      'super.users': 'User:admin;User:kafkaform-broker',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    });
    const ssl = kafkaNodeProperties(kafkaSpec({ security: security({ listener: 'SSL', mechanism: null, admin: { username: 'admin', password: null }, authorizer: false }) }), 1, 'host');
    expect(ssl['sasl.enabled.mechanisms']).toBeUndefined();
    expect(ssl['authorizer.class.name']).toBeUndefined();
    expect(ssl['listener.security.protocol.map']).toBe('CONTROLLER:SSL,SSL:SSL');
    const bridge = kafkaNodeProperties(kafkaSpec({ security: security({ listener: 'SASL_PLAINTEXT', mechanism: 'PLAIN' }) }), 1, 'bridge');
    expect(bridge['listener.security.protocol.map']).toBe('CONTROLLER:SSL,INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT');
  });

  it('keeps the password out of env, labels and every create option; it is only in the 0600 files', () => {
    for (const engine of [LINUX, DESKTOP]) {
      const [node] = desiredContainers(specWith('shop', kafkaSpec({ security: security() })), engine);
      expect(JSON.stringify(node!.create)).not.toContain(PW);
      expect(node!.create.Entrypoint).toEqual(['/bin/bash', '/etc/kafkaform/start.sh']);
      expect(node!.create.Env).toContain('KAFKA_OPTS=-Djava.security.auth.login.config=/etc/kafkaform/jaas.conf');
      expect(node!.create.Labels?.['dev.kafkaform.tls']).toBe('abc123');
    }
    const files = securityContainerFiles(security(), { 'node.id': '1' }, { caCertPem: 'CA\n', brokerCertPem: 'CERT\n', brokerKeyPem: 'KEY\n' });
    const secret = files.filter((f) => f.content.includes(PW)).map((f) => f.path);
    expect(secret.sort()).toEqual(['/etc/kafkaform/admin.scram', '/etc/kafkaform/jaas.conf']);
    expect(files.every((f) => f.mode === 0o600 || f.path.endsWith('start.sh'))).toBe(true);
    expect(files.find((f) => f.path.endsWith('broker.pem'))?.content).toBe('KEY\nCERT\nCA\n');
  });

  it('a new certificate digest changes the config hash (recreate); the same one does not', () => {
    const hash = (fingerprint: string) => desiredContainers(specWith('shop', kafkaSpec({ security: security({ fingerprint }) })), LINUX)[0]!.configHash;
    expect(hash('one')).toBe(hash('one'));
    expect(hash('one')).not.toBe(hash('two'));
  });

  it('writes JAAS and the StorageTool SCRAM argument per mechanism', () => {
    expect(scramArgument(security())).toBe(`SCRAM-SHA-512=[name=admin,password=${PW}]`);
    expect(scramArgument(security({ mechanism: 'PLAIN' }))).toBeNull();
    expect(jaasConfig(security({ mechanism: 'PLAIN' }))).toContain(`PlainLoginModule required\n  username="admin" password="${PW}" user_admin="${PW}";`);
    expect(jaasConfig(security())).toContain('ScramLoginModule required');
    expect(jaasConfig(security({ listener: 'SSL', mechanism: null }))).toBeNull();
  });

  it('archives the files for putArchive as GNU tar reads them: owner 1000, modes kept', () => {
    const files = securityContainerFiles(security(), { 'node.id': '1' }, { caCertPem: 'CA\n', brokerCertPem: 'CERT\n', brokerKeyPem: 'KEY\n' });
    const dir = mkdtempSync(join(tmpdir(), 'kft-h12a-tar-'));
    writeFileSync(join(dir, 'a.tar'), tarOf(files, 1000));
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', join(dir, 'a.tar')], { encoding: 'utf8' });
    expect(listing).toMatch(/^drwx------ 1000\/1000 +0 .* etc\/kafkaform\/$/m);
    expect(listing).toMatch(/^-rw------- 1000\/1000 .* etc\/kafkaform\/jaas\.conf$/m);
    expect(listing).toMatch(/^-rwx------ 1000\/1000 .* etc\/kafkaform\/start\.sh$/m);
    const out = execFileSync('tar', ['-xOf', join(dir, 'a.tar'), 'etc/kafkaform/admin.scram'], { encoding: 'utf8' });
    expect(out).toBe(`SCRAM-SHA-512=[name=admin,password=${PW}]`);
  });
});
