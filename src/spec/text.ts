/** A path inside the spec document: mapping keys and list indexes, outermost first. */
export type DocPath = readonly (string | number)[];

/** Renders a document path for humans: `topics.purchases.partitions`, `seed.p.messages[0].key`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** Quotes a user-written string for a message, shortened so one bad value cannot flood the terminal. */
export function quote(s: string, max = 60): string {
  const short = s.length > max ? `${s.slice(0, max - 1)}…` : s;
  return JSON.stringify(short);
}

/** Describes a user-written value after "got": strings quoted, scalars as written, collections by kind. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

/** Describes a value's kind only, for secrets whose content must never be shown. */
export function describeKind(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

/** Joins alternatives as "a, b or c". */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
