import type { GlobalOptions } from '../cli/global-options.js';
import { DEFAULT_SPEC_FILE } from '../spec/defaults.js';

/** What every library call takes: which spec, and how to resolve it. */
export interface SpecOptions {
  /** The spec file, relative to the working directory; default `kafka.config.yaml`. */
  file?: string;
  /** The spec's environment to use (its `environments:` section), as `kafkaform -e NAME`; default: none. */
  environment?: string;
  /** Values for `${VAR}` references in the spec, laid over `process.env`. */
  vars?: Record<string, string | undefined>;
  /** Progress lines (the CLI's spinner text), e.g. `waiting for Kafka: 0/1 nodes up`. */
  onProgress?: (message: string) => void;
  /** Log the Kafka client's internals to stderr. */
  debug?: boolean;
}

/** The CLI's global options for a library call: no colour, no TTY, the caller's environment. */
export function globalsOf(o: SpecOptions): GlobalOptions {
  return {
    file: o.file ?? DEFAULT_SPEC_FILE,
    debug: o.debug ?? false,
    color: false,
    environment: o.environment,
    env: { ...process.env, ...o.vars },
  };
}
