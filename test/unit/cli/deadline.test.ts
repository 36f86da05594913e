import { describe, expect, it } from 'vitest';
import { commandDeadlineMs, commandTimeout, DEFAULT_APPLY_DEADLINE_MS, DEFAULT_READ_DEADLINE_MS } from '../../../src/cli/deadline.js';
import type Docker from 'dockerode';
import { dockerTimeoutMs, DEFAULT_DOCKER_TIMEOUT_MS, withDockerDeadline } from '../../../src/docker/deadline.js';
import { ErrorCodes, KafkaformError } from '../../../src/errors.js';
import { requestFailed } from '../../../src/kafka/errors.js';

describe('command deadlines', () => {
  it('defaults by command: long for apply and destroy, short for the rest, none for wait and --follow', () => {
    expect(commandDeadlineMs('apply', {}, undefined, {})).toBe(DEFAULT_APPLY_DEADLINE_MS);
    expect(commandDeadlineMs('destroy', {}, undefined, {})).toBe(DEFAULT_APPLY_DEADLINE_MS);
    expect(commandDeadlineMs('plan', {}, undefined, {})).toBe(DEFAULT_READ_DEADLINE_MS);
    expect(commandDeadlineMs('wait', {}, undefined, {})).toBeNull();
    expect(commandDeadlineMs('logs', { follow: true }, undefined, {})).toBeNull();
  });

  it('--deadline wins over KAFKAFORM_DEADLINE, and 0 means none', () => {
    expect(commandDeadlineMs('plan', {}, '90s', { KAFKAFORM_DEADLINE: '5s' })).toBe(90_000);
    expect(commandDeadlineMs('logs', { follow: true }, undefined, { KAFKAFORM_DEADLINE: '2m' })).toBe(120_000);
    expect(commandDeadlineMs('apply', {}, '0', {})).toBeNull();
  });

  it('a bad value is a usage error naming its source', () => {
    expect(() => commandDeadlineMs('plan', {}, 'soon', {})).toThrow(/--deadline must be a duration/);
    expect(() => commandDeadlineMs('plan', {}, undefined, { KAFKAFORM_DEADLINE: 'soon' })).toThrow(/KAFKAFORM_DEADLINE must be a duration/);
  });

  it('the timeout error names the command, the bound and the step', () => {
    const err = commandTimeout('apply', 1_800_000, 'seeding orders');
    expect(err.code).toBe(ErrorCodes.COMMAND_TIMEOUT);
    expect(err.message).toBe('kafkaform apply did not finish within 30 min; it was at: seeding orders');
    expect(err.hint).toBeTruthy();
  });
});

describe('Docker call deadline', () => {
  it('KAFKAFORM_DOCKER_TIMEOUT takes a duration; unset is the default', () => {
    expect(dockerTimeoutMs({})).toBe(DEFAULT_DOCKER_TIMEOUT_MS);
    expect(dockerTimeoutMs({ KAFKAFORM_DOCKER_TIMEOUT: '2m' })).toBe(120_000);
    expect(() => dockerTimeoutMs({ KAFKAFORM_DOCKER_TIMEOUT: 'x' })).toThrow(KafkaformError);
  });

  it('a call the engine never answers fails with KF309 naming it and aborts the request; a stop gets its grace period on top', async () => {
    const signals: AbortSignal[] = [];
    const modem = { dial: (o: { abortSignal: AbortSignal }) => void signals.push(o.abortSignal) };
    const docker = withDockerDeadline({ modem } as unknown as Docker, 'unix:///x.sock', 20);
    const call = (path: string, options?: object) =>
      new Promise<unknown>((resolve) => (docker.modem as unknown as { dial: (o: object, cb: (e: unknown) => void) => void }).dial({ path, method: 'GET', options }, resolve));
    const started = Date.now();
    const err = (await call('/v1.41/info?')) as KafkaformError;
    expect(err.code).toBe(ErrorCodes.DOCKER_TIMEOUT);
    expect(err.message).toBe('the Docker engine at unix:///x.sock did not answer GET /info within 20 ms');
    expect(signals[0]!.aborted).toBe(true);
    const stop = (await call('/containers/k/stop?', { t: 0.05 })) as KafkaformError;
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(stop.message).toContain('within 70 ms');
  });
});

describe('Kafka stalls', () => {
  it('a request timeout inside kafkajs retries is KF209 naming the broker and the request', () => {
    const timeout = Object.assign(new Error('Request Metadata(key: 3, version: 6) timed out'), { name: 'KafkaJSRequestTimeoutError', broker: '127.0.0.1:9092' });
    const wrapped = Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', originalError: timeout });
    const err = requestFailed('observe cluster', null, wrapped);
    expect(err.code).toBe(ErrorCodes.KAFKA_TIMEOUT);
    expect(err.message).toBe('observe cluster stalled: broker 127.0.0.1:9092 did not answer Metadata within the request deadline');
    expect(err.hint).toContain('cluster.requestTimeout');
  });

  it('a response cut short is KF202 with a fix, not a RangeError', () => {
    const range = Object.assign(new RangeError('Attempt to access memory outside buffer bounds'), { code: 'ERR_BUFFER_OUT_OF_BOUNDS' });
    const err = requestFailed('read state topic', '_kafkaform', range);
    expect(err.code).toBe(ErrorCodes.KAFKA_REQUEST_FAILED);
    expect(err.message).toContain('broke mid-response');
    expect(err.hint).toBeTruthy();
  });
});
