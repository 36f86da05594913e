/** Options every command understands; its own file so commands need not import the command tree (cli/run.ts). */
export interface GlobalOptions {
  file: string;
  debug: boolean;
  color: boolean;
  /** -e NAME: the environment of the spec to use; undefined for none. */
  environment?: string;
  /** Resolves ${VAR} in the spec; process.env when absent (the library API passes its own). */
  env?: Record<string, string | undefined>;
}
