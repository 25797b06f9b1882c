// A tiny seeded PRNG: the smoke test and verify draw their sample rows from a recorded seed,
// and the emulator makes reproducible ids and sample data with the same function.

/** Small seeded PRNG (mulberry32): the same seed draws the same rows. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
