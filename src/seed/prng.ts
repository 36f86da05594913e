/** A seeded pseudo-random source: same seed, same sequence, on every machine and Node version. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** A random id in UUID v4 format (version and variant bits set), drawn from this source. */
  uuid(): string;
}

/**
 * mulberry32: a 32-bit state generator, small and fast. Not cryptographic: seed data only needs to be
 * reproducible and spread out, and being our own code its sequence cannot change under us.
 */
export function createRng(seed: number): Rng {
  let state = foldSeed(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const word = (): number => Math.floor(next() * 4294967296) >>> 0;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    uuid: () => {
      const w = [word(), word(), word(), word()];
      // Version 4 in the 13th hex digit, RFC 4122 variant (10xx) in the 17th.
      w[1] = ((w[1]! & 0xffff0fff) | 0x00004000) >>> 0;
      w[2] = ((w[2]! & 0x3fffffff) | 0x80000000) >>> 0;
      const hex = w.map((x) => x.toString(16).padStart(8, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    },
  };
}

/** Folds any finite number (large, negative, fractional) into 32 bits, so distinct seeds mostly stay distinct. */
function foldSeed(seed: number): number {
  if (!Number.isFinite(seed)) return 0;
  const whole = Math.trunc(seed);
  const low = whole % 4294967296;
  const high = Math.trunc(whole / 4294967296);
  const frac = Math.round((seed - whole) * 4294967296);
  return (low ^ Math.imul(high, 0x9e3779b1) ^ frac) | 0;
}
