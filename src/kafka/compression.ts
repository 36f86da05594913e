// Record-batch compression: the codec attribute values (fixed by the Kafka protocol) and the compressors
// behind them. gzip is Node's; the others come from codecs registered with kafkajs (its public
// CompressionCodecs), so this lives with the Kafka client, in src/kafka/.

import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { createRequire } from 'node:module';
import type { CompressionTypes } from 'kafkajs';
import type { SeedSpec } from '../spec/types.js';

type Compression = SeedSpec['compression'];

const gzip = promisify(gzipCallback);

/** kafkajs' compression attribute values (fixed by the Kafka protocol), so reading a spec needs no kafkajs. */
const TYPES: Record<Compression, CompressionTypes> = {
  none: 0 as CompressionTypes.None,
  gzip: 1 as CompressionTypes.GZIP,
  snappy: 2 as CompressionTypes.Snappy,
  lz4: 3 as CompressionTypes.LZ4,
  zstd: 4 as CompressionTypes.ZSTD,
};

/** kafkajs' codec registry, required only when a codec other than gzip is asked about (validate stays light). */
function compressionCodecs(): Record<number, (() => unknown) | undefined> {
  return (createRequire(import.meta.url)('kafkajs') as { CompressionCodecs: Record<number, (() => unknown) | undefined> }).CompressionCodecs;
}

/** The npm codec package kafkajs needs for each compression it does not ship. */
const CODEC_PACKAGES: Partial<Record<Compression, string>> = {
  snappy: 'kafkajs-snappy',
  lz4: 'kafkajs-lz4',
  zstd: '@kafkajs/zstd',
};

/**
 * Null when this process can produce with compression `c`, else why not. kafkajs ships gzip only;
 * the others work once a codec is registered in CompressionCodecs, which kafkaform does not bundle.
 */
export function compressionUnavailable(c: Compression): string | null {
  if (c === 'none' || c === 'gzip') return null;
  const codecs = compressionCodecs();
  try {
    if (codecs[TYPES[c]]?.()) return null;
  } catch {
    // kafkajs' placeholder codec throws "not implemented".
  }
  return `compression ${c} needs the codec ${CODEC_PACKAGES[c]}, which is not installed`;
}

/** The batch attribute value and the compressor of a spec's compression; throws when unavailable. */
export function codecOf(c: Compression): { codec: number; compress: ((records: Buffer) => Promise<Buffer>) | null } {
  if (c === 'none') return { codec: 0, compress: null };
  if (c === 'gzip') return { codec: TYPES.gzip, compress: (records) => gzip(records) };
  const unavailable = compressionUnavailable(c);
  if (unavailable) throw new Error(unavailable);
  const codecs = compressionCodecs() as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer> }>;
  const codec = codecs[TYPES[c]]!();
  return { codec: TYPES[c], compress: (records) => codec.compress({ buffer: records }) };
}
