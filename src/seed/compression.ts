import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import kafkajs, { type CompressionTypes } from 'kafkajs';
import type { SeedSpec } from '../spec/types.js';

type Compression = SeedSpec['compression'];

// kafkajs is CommonJS and these two exports are not visible to Node's named-export detection.
const { CompressionCodecs, CompressionTypes: Types } = kafkajs;
const gzip = promisify(gzipCallback);

const TYPES: Record<Compression, CompressionTypes> = {
  none: Types.None,
  gzip: Types.GZIP,
  snappy: Types.Snappy,
  lz4: Types.LZ4,
  zstd: Types.ZSTD,
};

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
  const codecs = CompressionCodecs as unknown as Record<number, (() => unknown) | undefined>;
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
  const codecs = CompressionCodecs as unknown as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer> }>;
  const codec = codecs[TYPES[c]]!();
  return { codec: TYPES[c], compress: (records) => codec.compress({ buffer: records }) };
}
