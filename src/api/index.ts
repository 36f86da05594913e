/**
 * kafkaform's library API: the CLI's engine as functions, for test suites and scripts.
 * `up()` before the tests, `down()` (or `await using`) after; errors are KafkaformError with stable codes.
 */
export { apply, down, plan, up, type ChangeOptions, type DownOptions } from './run.js';
export { asyncDispose, type ClientSettings, type KafkaEnvironment } from './environment.js';
export type { SpecOptions } from './options.js';
export type { Outputs, OutputTopic } from '../cli/outputs.js';
export { ErrorCodes, KafkaformError, isKafkaformError, type ErrorCode, type Problem, type SourcePos } from '../errors.js';
export type { Action, ActionResult, ApplyReport, Diagnostic, Plan } from '../plan/types.js';
