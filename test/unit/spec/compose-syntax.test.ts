import { describe, expect, it } from 'vitest';
import { parsePort, parseVolume } from '../../../src/spec/compose-syntax.js';
import { interpolate } from '../../../src/spec/interpolate.js';
import { splitShellWords } from '../../../src/spec/shell-words.js';

describe('parsePort', () => {
  it.each([
    [9000, { host: 9000, container: 9000, protocol: 'tcp', hostIp: '127.0.0.1' }],
    ['9000', { host: 9000, container: 9000, protocol: 'tcp', hostIp: '127.0.0.1' }],
    ['8080:80', { host: 8080, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }],
    ['127.0.0.1:8081:80/udp', { host: 8081, container: 80, protocol: 'udp', hostIp: '127.0.0.1' }],
    ['0.0.0.0:53:53/UDP', { host: 53, container: 53, protocol: 'udp', hostIp: '0.0.0.0' }],
    ['[::1]:8080:80', { host: 8080, container: 80, protocol: 'tcp', hostIp: '::1' }],
  ])('%j', (input, expected) => {
    expect(parsePort(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['8000-8010:8000-8010', /port ranges such as "8000-8010" are not supported/],
    ['80:http', /invalid container port in "80:http"/],
    ['70000:80', /invalid host port/],
    ['8080:80/sctp', /unknown protocol "sctp"/],
    ['a:b:c:d', /invalid port "a:b:c:d"/],
  ])('%j is rejected', (input, error) => {
    const r = parsePort(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('parseVolume', () => {
  it.each([
    ['data:/var/lib/x', { kind: 'volume', source: 'data', target: '/var/lib/x', readOnly: false }],
    ['./local:/x:ro', { kind: 'bind', source: '/spec/dir/local', target: '/x', readOnly: true }],
    ['../up:/x:rw', { kind: 'bind', source: '/spec/up', target: '/x', readOnly: false }],
    ['/abs:/y', { kind: 'bind', source: '/abs', target: '/y', readOnly: false }],
  ])('%s', (input, expected) => {
    expect(parseVolume(input, '/spec/dir')).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['/data', /anonymous volume "\/data" is not supported; name it, e.g. "data:\/data"/],
    ['data:relative', /must be an absolute path inside the container/],
    ['data:/x:rx', /invalid mode "rx"/],
    ['~/x:/x', /"~" is not expanded/],
    ['bad name:/x', /invalid volume name "bad name"/],
  ])('%s is rejected', (input, error) => {
    const r = parseVolume(input, '/spec/dir');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('splitShellWords', () => {
  it.each([
    ['serve --port 80', ['serve', '--port', '80']],
    ["sh -c 'echo hi && sleep 1'", ['sh', '-c', 'echo hi && sleep 1']],
    ['echo "a \\"quoted\\" word" b', ['echo', 'a "quoted" word', 'b']],
    ['a\\ b  c', ['a b', 'c']],
    ["''", ['']],
    ['  ', []],
  ])('%j', (input, words) => {
    expect(splitShellWords(input)).toEqual({ ok: true, value: words });
  });

  it.each([
    ["echo 'open", 'unterminated single quote'],
    ['echo "open', 'unterminated double quote'],
  ])('%j is rejected', (input, error) => {
    expect(splitShellWords(input)).toEqual({ ok: false, error });
  });
});

describe('interpolate', () => {
  const env = { USER: 'ann', EMPTY: '', PASSWORD: 'hunter2' };
  it.each([
    ['${USER}', 'ann'],
    ['pre-${USER}-post', 'pre-ann-post'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['$${USER}', '${USER}'],
    ['$USER stays', '$USER stays'],
  ])('%s → %s', (input, value) => {
    expect(interpolate(input, env)).toEqual({ value, errors: [] });
  });

  it('names missing variables and never their values', () => {
    const r = interpolate('${PASSWORD}:${NOPE}', env);
    expect(r.errors).toEqual([
      { message: 'environment variable NOPE is not set', hint: expect.stringContaining('set NOPE'), token: '${NOPE}' },
    ]);
    expect(JSON.stringify(r.errors)).not.toContain('hunter2');
  });

  it.each([
    ['${1BAD}', /invalid reference "\$\{1BAD\}"/],
    ['${OPEN', /unterminated "\$\{" reference/],
  ])('%s is malformed', (input, error) => {
    expect(interpolate(input, env).errors[0]?.message).toMatch(error);
  });
});
