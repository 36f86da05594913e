import { quote } from './text.js';

// Docker's reference grammar (distribution/reference): [host[:port]/]path[:tag][@digest], path lower-case.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

/** Why `ref` is not an image reference Docker accepts (e.g. "UPPER:case"), or null when it is one. */
export function imageReferenceProblem(ref: string): string | null {
  if (ref.length > 255) return `image reference is ${ref.length} characters long; Docker accepts at most 255`;
  if (REFERENCE.test(ref)) return null;
  const lower = /[A-Z]/.test(ref.split(/[:@]/)[0]!.split('/').slice(-1)[0] ?? '') ? ': repository names are lower case' : '';
  return `invalid image reference ${quote(ref)}${lower}`;
}
