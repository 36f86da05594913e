import { createServer } from 'node:net';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintDiff, parseFingerprint } from '../../../src/plan/container-fingerprint.js';
import { demuxLogs, dockerError } from '../../../src/docker/client.js';
import { assertPortsFree } from '../../../src/docker/ports.js';
import { ErrorCodes, KafkaformError } from '../../../src/errors.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });

/** A system error as Node reports it. */
function sysError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** An engine error as dockerode reports it. */
function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode, json: { message } });
}

describe('dockerError', () => {
  it.each([
    [sysError('ENOENT', 'connect ENOENT /var/run/docker.sock'), ErrorCodes.DOCKER_UNREACHABLE],
    [sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:2375'), ErrorCodes.DOCKER_UNREACHABLE],
    [sysError('EACCES', 'connect EACCES /var/run/docker.sock'), ErrorCodes.DOCKER_PERMISSION_DENIED],
    [engineError(500, 'driver failed programming external connectivity: Bind for 127.0.0.1:9092 failed: port is already allocated'), ErrorCodes.PORT_IN_USE],
    [engineError(500, 'listen tcp4 127.0.0.1:9092: bind: address already in use'), ErrorCodes.PORT_IN_USE],
    [engineError(404, 'No such image: foo:1'), ErrorCodes.IMAGE_UNAVAILABLE],
    [engineError(500, 'something else'), ErrorCodes.CONTAINER_FAILED],
  ])('maps %s', (err, code) => {
    const mapped = dockerError(docker, err, 'do it');
    expect(mapped).toBeInstanceOf(KafkaformError);
    expect(mapped.code).toBe(code);
  });

  it('names the endpoint and the fix', () => {
    const unreachable = dockerError(docker, sysError('ENOENT', 'connect ENOENT /var/run/docker.sock'), 'ping');
    expect(unreachable.message).toContain('unix:///var/run/docker.sock');
    expect(unreachable.hint).toMatch(/systemctl start docker/);
    expect(dockerError(docker, sysError('EACCES', 'x'), 'ping').hint).toMatch(/docker group/);
  });

  it('keeps Docker’s own message and passes KafkaformErrors through', () => {
    expect(dockerError(docker, engineError(409, 'Conflict. The name is in use'), 'create x').message).toBe('cannot create x: Conflict. The name is in use');
    const own = new KafkaformError(ErrorCodes.PORT_IN_USE, 'busy');
    expect(dockerError(docker, own, 'x')).toBe(own);
  });
});

describe('demuxLogs', () => {
  it('joins stdout and stderr frames and passes plain text through', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(body.length, 4);
      return Buffer.concat([header, body]);
    };
    expect(demuxLogs(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toBe('out\nerr\n');
    expect(demuxLogs(Buffer.from('plain text\n'))).toBe('plain text\n');
  });
});

describe('fingerprints', () => {
  it('digest env values and diff by key', () => {
    const a = fingerprint({ Image: 'x:1', Env: ['A=secret-1', 'B=2'], HostConfig: { NetworkMode: 'host', Mounts: [] }, Labels: { l: '1' } });
    const b = fingerprint({ Image: 'x:2', Env: ['A=secret-2', 'B=2'], HostConfig: { NetworkMode: 'host', Mounts: [] }, Labels: { l: '2' } });
    expect(Object.keys(a)).toEqual(['env A', 'env B', 'image', 'network', 'volumes']);
    expect(JSON.stringify(a)).not.toContain('secret');
    expect(fingerprintDiff(a, b)).toEqual(['env A', 'image']);
    expect(fingerprintDiff(a, { ...a, 'env C': 'x' })).toEqual(['env C']);
    expect(parseFingerprint(JSON.stringify(a))).toEqual(a);
    expect(parseFingerprint('not json')).toBeNull();
    expect(parseFingerprint('{"a":1}')).toBeNull();
    expect(parseFingerprint(undefined)).toBeNull();
  });
});

describe('assertPortsFree', () => {
  it('passes on free ports and reports busy ones as PORT_IN_USE', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const busy = (server.address() as { port: number }).port;
    try {
      await expect(assertPortsFree([], 'x')).resolves.toBeUndefined();
      const err = await assertPortsFree([{ port: busy, hostIp: '127.0.0.1', protocol: 'tcp' }], 'c1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KafkaformError);
      expect((err as KafkaformError).code).toBe(ErrorCodes.PORT_IN_USE);
      expect((err as KafkaformError).message).toContain(`127.0.0.1:${busy}/tcp`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(assertPortsFree([{ port: busy, hostIp: '127.0.0.1', protocol: 'tcp' }], 'c1')).resolves.toBeUndefined();
  });
});
