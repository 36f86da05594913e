import { readFileSync } from 'node:fs';

/** The package version, read from package.json next to dist/ or src/; '0.0.0' when neither layout has one. */
export function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}
