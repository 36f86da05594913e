import { int32, int8, nullableString, Reader, string } from './wire.js';

// IncrementalAlterConfigs (API key 44, Kafka >= 2.3), which kafkajs lacks, encoded here for version 0 (the
// non-flexible one: kafkajs frames requests with header v1 only). Pure encoding and decoding; sending goes
// through the raw-request door in src/kafka/kafkajs-internals.ts.
//
// IncrementalAlterConfigs Request (Version: 0) => [resources] validate_only
//   resources => resource_type:INT8 resource_name:STRING [configs]
//     configs => name:STRING config_operation:INT8 value:NULLABLE_STRING
//   validate_only => BOOLEAN
// IncrementalAlterConfigs Response (Version: 0) => throttle_time_ms:INT32 [responses]
//   responses => error_code:INT16 error_message:NULLABLE_STRING resource_type:INT8 resource_name:STRING

/** The API key of IncrementalAlterConfigs. */
export const INCREMENTAL_ALTER_CONFIGS_KEY = 44;

/** The version we encode. */
export const INCREMENTAL_ALTER_CONFIGS_VERSION = 0;

/** Per-key operation codes of the protocol (APPEND/SUBTRACT, 2 and 3, are for list configs and unused here). */
export const ConfigOperation = { SET: 0, DELETE: 1 } as const;

/** One key's change: SET carries a value, DELETE removes the override (value null). */
export interface AlterableConfig {
  name: string;
  operation: (typeof ConfigOperation)[keyof typeof ConfigOperation];
  value: string | null;
}

/** The changes of one resource (a topic is resource type 2). */
export interface AlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: AlterableConfig[];
}

/** One resource's answer: error code 0 means applied. */
export interface AlterConfigsResourceResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** The decoded response. */
export interface IncrementalAlterConfigsResult {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResult[];
}

/** The request body (after the header) of version 0. */
export function encodeIncrementalAlterConfigs(resources: AlterConfigsResource[], validateOnly = false): Buffer {
  const parts: Buffer[] = [int32(resources.length)];
  for (const r of resources) {
    parts.push(int8(r.resourceType), string(r.resourceName), int32(r.configs.length));
    for (const c of r.configs) parts.push(string(c.name), int8(c.operation), nullableString(c.value));
  }
  parts.push(int8(validateOnly ? 1 : 0));
  return Buffer.concat(parts);
}

/** Decodes a version 0 response body; throws on a truncated or overlong body. */
export function decodeIncrementalAlterConfigsResponse(body: Buffer): IncrementalAlterConfigsResult {
  const r = new Reader(body, 'IncrementalAlterConfigs response');
  const throttleTimeMs = r.int32();
  const count = r.int32();
  const responses: AlterConfigsResourceResult[] = [];
  for (let i = 0; i < count; i++) {
    const errorCode = r.int16();
    const errorMessage = r.nullableString();
    const resourceType = r.int8();
    const resourceName = r.nullableString() ?? '';
    responses.push({ errorCode, errorMessage, resourceType, resourceName });
  }
  if (r.pos !== body.length) throw new Error(`IncrementalAlterConfigs response has ${body.length - r.pos} unread bytes`);
  return { throttleTimeMs, responses };
}
