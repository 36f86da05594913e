import { createRequire } from 'node:module';
import { MALFORMED_RESPONSE } from './errors.js';

const require = createRequire(import.meta.url);

/** The slice of kafkajs' internal Connection this guard touches. */
interface RawConnection {
  host: string;
  port: number;
  chunks: Buffer[];
  bytesBuffered: number;
  bytesNeeded: number;
  processData(rawData: Buffer): void;
  rejectRequests(error: Error): void;
  disconnect(): Promise<void>;
}

let installed = false;

/**
 * Makes a response kafkajs cannot decode a connection error instead of a process crash. kafkajs decodes each
 * response frame inside the socket's data handler, so a frame cut short (a listener closing mid-response, a
 * proxy truncating) throws RangeError ERR_BUFFER_OUT_OF_BOUNDS where no caller can catch it. The guard
 * rejects that connection's pending requests with a connection error naming the broker and closes it, so
 * the request fails like any lost connection (retried, then reported as a KF error). Installed once.
 */
export function guardResponseDecoding(): void {
  if (installed) return;
  installed = true;
  const { KafkaJSConnectionError } = require('kafkajs/src/errors') as { KafkaJSConnectionError: new (message: string, opts: object) => Error };
  const Connection = require('kafkajs/src/network/connection') as { prototype: RawConnection };
  const decode = Connection.prototype.processData;
  Connection.prototype.processData = function guarded(this: RawConnection, rawData: Buffer): void {
    try {
      decode.call(this, rawData);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const error = new KafkaJSConnectionError(`broker ${this.host}:${this.port} sent a response that was cut short or malformed (${reason})`, {
        broker: `${this.host}:${this.port}`,
      });
      Object.assign(error, { [MALFORMED_RESPONSE]: true });
      this.chunks = [];
      this.bytesBuffered = 0;
      this.bytesNeeded = 4;
      this.rejectRequests(error);
      void this.disconnect().catch(() => undefined);
    }
  };
}
