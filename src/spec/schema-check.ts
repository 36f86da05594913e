import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ErrorCodes, KafkaformError } from '../errors.js';
import { schema as generatedSchema, validate as generatedValidate } from '../generated/schema-validator.js';
import type { ProblemList } from './problems.js';
import { didYouMean } from './suggest.js';
import { describeKind, describeValue, formatPath, orList, type DocPath } from './text.js';
import { unknownTopicConfigMessage } from './topic-configs.js';

/** Location of the schema inside the package. */
export const SCHEMA_RELATIVE_PATH = 'schema/kafka.config.schema.json';

type SchemaNode = Record<string, unknown>;

/**
 * Absolute path of schema/kafka.config.schema.json: found by walking up from this module, because the module
 * runs from src/spec under tests and from dist/src/spec when built.
 */
export function findSchemaFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, SCHEMA_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new KafkaformError(ErrorCodes.INTERNAL, `${SCHEMA_RELATIVE_PATH} not found above ${fileURLToPath(import.meta.url)}`, {
        hint: 'the package is incomplete; reinstall kafkaform',
      });
    }
    dir = parent;
  }
}

/**
 * The parsed JSON Schema and its validator. The validator is ajv's standalone code, generated from
 * schema/kafka.config.schema.json at build time (scripts/gen-schema-validator.mjs), so nothing compiles at run time.
 */
export function compiledSchema(): { schema: SchemaNode; validate: ValidateFunction } {
  return { schema: generatedSchema as SchemaNode, validate: generatedValidate as unknown as ValidateFunction };
}

/** True for values that may be secrets (SASL credentials, service env values): messages show their kind only. */
export function isSecretPath(path: DocPath): boolean {
  return (
    (path[0] === 'cluster' && path[1] === 'sasl') ||
    (path[0] === 'containers' && path[1] === 'services' && path[3] === 'env') ||
    (path[0] === 'containers' && path[1] === 'kafka' && path[2] === 'security' && path[3] === 'admin' && path[4] === 'password')
  );
}

function got(path: DocPath, data: unknown): string {
  return isSecretPath(path) ? describeKind(data) : describeValue(data);
}

function rangeText(s: SchemaNode): string {
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  // Limits that only mirror Java's int range say nothing useful to a person.
  const max = typeof s.maximum === 'number' && s.maximum < 2_147_483_647 ? s.maximum : undefined;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

/** What a schema node accepts, in words: its x-expected annotation, or derived from type, enum and bounds. */
export function expectedText(s: SchemaNode): string {
  if (typeof s['x-expected'] === 'string') return s['x-expected'];
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
  const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t): t is string => typeof t === 'string' && t !== 'null');
  const words = types.map((t) => {
    switch (t) {
      case 'integer':
        return `an integer${rangeText(s)}`;
      case 'number':
        return `a number${rangeText(s)}`;
      case 'string':
        return s.minLength ? 'a non-empty string' : 'a string';
      case 'boolean':
        return 'true or false';
      case 'array':
        return 'a list';
      default:
        return 'a mapping';
    }
  });
  return words.length ? orList(words) : 'a valid value';
}

function firstSentence(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  // A sentence ends at ". " before a capital letter, so abbreviations like "e.g. x" stay inside it.
  const m = /^.*?[.!?](?=\s+[A-Z]|\s*$)/s.exec(text);
  return (m ? m[0] : text).trim();
}

function decodePointer(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function where(path: DocPath): string {
  return path.length ? `in ${formatPath(path)}` : 'at the top level';
}

/** Turns one ajv error into a human problem; its path is covered so semantic checks do not repeat it. */
function report(e: ErrorObject, data: unknown, problems: ProblemList): void {
  const path = decodePointer(e.instancePath, data);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  // The fix says what to write; the field's description follows as context.
  const about = firstSentence(parent.description);
  const hint = `write ${expectedText(parent)}${about ? ` — ${about.charAt(0).toLowerCase()}${about.slice(1)}` : ''}`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const keyPath = [...path, key];
      const known = Object.keys((parent.properties ?? {}) as SchemaNode);
      if (parent['x-key-noun'] === 'topic config') {
        const msg = unknownTopicConfigMessage(key);
        problems.addCovering(keyPath, msg, 'topic configs are listed at https://kafka.apache.org/44/configuration/topic-configs', 'key');
        return;
      }
      const suggestion = didYouMean(key, known);
      const fix = suggestion ? `rename it${suggestion.replace('; did you mean', ' to').replace('?', '')}` : `remove it; allowed here: ${known.join(', ')}`;
      problems.addCovering(keyPath, `unknown key ${JSON.stringify(key)} ${where(path)}${suggestion}`, fix, 'key');
      return;
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const propSchema = ((parent.properties ?? {}) as Record<string, SchemaNode>)[missing] ?? {};
      const about = firstSentence(propSchema.description);
      problems.addCovering(
        [...path, missing],
        `missing required key ${JSON.stringify(missing)} ${where(path)}`,
        about ? `add ${missing}: ${about}` : `add ${missing}`,
        // The missing key's path does not exist, so this resolves to the parent's key (or the document start).
        'key',
      );
      return;
    }
    case 'type':
    case 'pattern':
    case 'minLength':
      problems.addCovering(path, `expected ${expectedText(parent)}, got ${got(path, e.data)}`, hint);
      return;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const bound = typeof parent['x-expected'] === 'string' ? `a value${rangeText(parent) || ` ${e.message ?? ''}`}` : expectedText(parent);
      problems.addCovering(path, `expected ${bound}, got ${got(path, e.data)}`, hint);
      return;
    }
    case 'enum': {
      const values = (e.schema as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      const mean = typeof e.data === 'string' ? didYouMean(e.data, values.filter((v) => typeof v === 'string')) : '';
      const expected = typeof parent['x-expected'] === 'string' ? parent['x-expected'] : `one of ${values.join(', ')}`;
      problems.addCovering(path, `expected ${expected}, got ${got(path, e.data)}${mean}`, hint);
      return;
    }
    case 'const':
      problems.addCovering(path, `expected ${JSON.stringify(e.schema)}, got ${got(path, e.data)}`, hint);
      return;
    case 'minItems':
      problems.addCovering(path, `expected at least ${String((e.params as { limit: number }).limit)} item(s), got an empty list`, hint);
      return;
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      const items = e.data as unknown[];
      problems.addCovering([...path, i], `${got([...path, i], items[i])} is listed twice (items ${j} and ${i})`, 'list each item once');
      return;
    }
    default:
      problems.addCovering(path, `${formatPath(path) || 'the spec'} ${e.message ?? 'is invalid'}`, hint);
  }
}

/**
 * Validates the plain data against the JSON Schema and reports each mistake once, in words.
 * The schema expresses alternatives as type unions (["boolean", "object"]) rather than oneOf/anyOf, so ajv
 * reports one error per mistake instead of one per branch; a second error at an already reported path (an enum
 * after a type error) is dropped by ProblemList. Property-name rules (topic, service and property names) are
 * left to the semantic checks, which say more.
 */
export function checkSchema(data: unknown, problems: ProblemList): void {
  const { validate } = compiledSchema();
  if (validate(data)) return;
  for (const e of validate.errors ?? []) {
    if (e.keyword !== 'propertyNames' && e.propertyName === undefined) report(e, data, problems);
  }
}
