import type { Rng } from './prng.js';

/** A placeholder of a generate template; `{{name}}` or `{{name:args}}` in a string. */
export type Placeholder =
  | { t: 'seq' }
  | { t: 'index' }
  | { t: 'uuid' }
  | { t: 'int'; min: number; max: number }
  | { t: 'pick'; choices: string[] }
  | { t: 'timestamp' }
  | { t: 'date' };

/** A compiled template string: literal text and placeholders, in order. */
export type CompiledString = (string | Placeholder)[];

/** A compiled structured value: the YAML value with every string leaf compiled. */
export type CompiledValue =
  | { k: 'string'; parts: CompiledString }
  | { k: 'literal'; value: unknown }
  | { k: 'array'; items: CompiledValue[] }
  | { k: 'object'; entries: [string, CompiledValue][] };

/** What one message's placeholders draw on. */
export interface RenderContext {
  /** 0-based position of the message in its entry. */
  index: number;
  rng: Rng;
  /** {{timestamp}} of this message, epoch ms. */
  timeMs: number;
}

/** The placeholders a user may write, for error messages. */
export const PLACEHOLDER_HELP = '{{seq}}, {{index}}, {{uuid}}, {{int:MIN:MAX}}, {{pick:a|b|c}}, {{timestamp}}, {{date}}';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Compiles a template string; problems (unknown placeholders, bad ranges) are pushed to `problems`. */
export function compileString(template: string, problems: string[]): CompiledString {
  const parts: CompiledString = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const at = match.index;
    if (at > last) parts.push(template.slice(last, at));
    last = at + match[0].length;
    const p = parsePlaceholder(match[1] ?? '');
    if (typeof p === 'string') {
      problems.push(`${p} in "${match[0]}"`);
      parts.push(match[0]);
    } else {
      parts.push(p);
    }
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

/** A placeholder from the text between the braces, or a problem message. */
function parsePlaceholder(body: string): Placeholder | string {
  const colon = body.indexOf(':');
  const name = colon < 0 ? body : body.slice(0, colon);
  const args = colon < 0 ? null : body.slice(colon + 1);
  switch (name) {
    case 'seq':
    case 'index':
    case 'uuid':
    case 'timestamp':
    case 'date':
      return args === null ? { t: name } : `{{${name}}} takes no arguments`;
    case 'int': {
      const m = /^(-?\d+):(-?\d+)$/.exec(args ?? '');
      if (!m) return 'int needs integer bounds, as {{int:MIN:MAX}}';
      const min = Number(m[1]);
      const max = Number(m[2]);
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) return 'int bounds must be safe integers';
      if (min > max) return `int range is empty (${min} > ${max})`;
      return { t: 'int', min, max };
    }
    case 'pick': {
      const choices = (args ?? '').split('|');
      if (args === null || args === '') return 'pick needs choices, as {{pick:a|b|c}}';
      return { t: 'pick', choices };
    }
    default:
      return `unknown placeholder "${name}" (known: ${PLACEHOLDER_HELP})`;
  }
}

/** Compiles a structured YAML value, every string leaf as a template. */
export function compileValue(value: unknown, problems: string[]): CompiledValue {
  if (typeof value === 'string') return { k: 'string', parts: compileString(value, problems) };
  if (Array.isArray(value)) return { k: 'array', items: value.map((v) => compileValue(v, problems)) };
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return { k: 'object', entries: Object.entries(value).map(([k, v]) => [k, compileValue(v, problems)]) };
  }
  return { k: 'literal', value };
}

/** Renders a template string to text. */
export function renderString(parts: CompiledString, ctx: RenderContext): string {
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : String(renderPlaceholder(part, ctx));
  return out;
}

/**
 * Renders a structured value to a JSON-ready value. A string that is exactly one numeric placeholder
 * ({{seq}}, {{index}}, {{int:..}}) becomes a JSON number, so `amount: "{{int:1:100}}"` yields `"amount": 42`.
 */
export function renderValue(value: CompiledValue, ctx: RenderContext): unknown {
  switch (value.k) {
    case 'literal':
      return value.value;
    case 'string': {
      const only = value.parts.length === 1 ? value.parts[0] : undefined;
      if (only !== undefined && typeof only !== 'string') return renderPlaceholder(only, ctx);
      return renderString(value.parts, ctx);
    }
    case 'array':
      return value.items.map((v) => renderValue(v, ctx));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of value.entries) out[k] = renderValue(v, ctx);
      return out;
    }
  }
}

/** One placeholder's value: numbers for the numeric ones, strings otherwise. */
function renderPlaceholder(p: Placeholder, ctx: RenderContext): string | number {
  switch (p.t) {
    case 'seq':
      return ctx.index + 1;
    case 'index':
      return ctx.index;
    case 'uuid':
      return ctx.rng.uuid();
    case 'int':
      return ctx.rng.int(p.min, p.max);
    case 'pick':
      return p.choices[ctx.rng.int(0, p.choices.length - 1)]!;
    case 'timestamp':
      return new Date(ctx.timeMs).toISOString();
    case 'date':
      return new Date(ctx.timeMs).toISOString().slice(0, 10);
  }
}
