/** Stable error codes: part of the CLI contract (JSON error envelope, docs). Never renumber or reuse. */
export const ErrorCodes = {
  SPEC_NOT_FOUND: 'KF100',
  SPEC_INVALID: 'KF101',
  SEED_INVALID: 'KF102',
  CLUSTER_UNREACHABLE: 'KF200',
  CLUSTER_NOT_READY: 'KF201',
  KAFKA_REQUEST_FAILED: 'KF202',
  TOPIC_NOT_FOUND: 'KF203',
  /** SASL refused: wrong username or password, or a mechanism the broker does not enable. */
  CLUSTER_AUTH_FAILED: 'KF204',
  /** TLS refused: untrusted CA, host name mismatch, missing client certificate, or TLS and plaintext crossed. */
  CLUSTER_TLS_FAILED: 'KF205',
  /** A broker did not answer a request within its deadline (cluster.requestTimeout); the error names the broker and the request. */
  KAFKA_TIMEOUT: 'KF209',
  /** An open transaction on the project's state partition did not end within the bound; reading past it could miss records. */
  STATE_UNSETTLED: 'KF210',
  /** Another apply of the same project fenced this run's seed transaction; nothing of the entry was committed by this run. */
  CONCURRENT_APPLY: 'KF211',
  /** The topic under a name is not the one the project owns (another topic ID, or no record): nothing was deleted or adopted. */
  OWNERSHIP_MISMATCH: 'KF212',
  DOCKER_UNREACHABLE: 'KF300',
  DOCKER_PERMISSION_DENIED: 'KF301',
  IMAGE_UNAVAILABLE: 'KF302',
  PORT_IN_USE: 'KF303',
  CONTAINER_FAILED: 'KF304',
  /** The Docker engine did not answer an API call within its deadline (KAFKAFORM_DOCKER_TIMEOUT); the error names the call. */
  DOCKER_TIMEOUT: 'KF309',
  PLAN_HAS_ERRORS: 'KF400',
  APPLY_FAILED: 'KF401',
  APPLY_NOT_CONVERGED: 'KF402',
  CONFIRMATION_REQUIRED: 'KF403',
  ABORTED: 'KF404',
  PLAN_STALE: 'KF405',
  SAVED_PLAN_INVALID: 'KF406',
  /** The command did not finish within its overall deadline (--deadline, KAFKAFORM_DEADLINE); the error names the step it was on. */
  COMMAND_TIMEOUT: 'KF409',
  USAGE: 'KF500',
  INTERNAL: 'KF999',
} as const;

/** One of the stable codes above. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** A position in a source file, 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** Renders a position as file:line:col, the form editors and terminals link. */
export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

/** The one error type of kafkaform: a stable code, a human message, an optional fix, and metadata. */
export class KafkaformError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;
  /** Problems found together (e.g. every spec error at once); the message summarises them. */
  readonly problems: Problem[];

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; details?: Record<string, unknown>; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KafkaformError';
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details ?? {};
    this.problems = opts.problems ?? [];
  }
}

/** One located problem inside a larger error (a spec error, a seed file error). */
export interface Problem {
  message: string;
  /** Where it is; absent when the problem has no source location. */
  at?: SourcePos;
  /** Path inside the document, e.g. "topics.purchases.partitions". */
  path?: string;
  /** How to fix it, in one sentence. */
  hint?: string;
}

/** True for errors of kafkaform's own type; anything else reaching the top level is a bug. */
export function isKafkaformError(e: unknown): e is KafkaformError {
  return e instanceof KafkaformError;
}
