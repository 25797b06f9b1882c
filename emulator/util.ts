// Small helpers shared by several services.

export { mulberry32 } from '../src/core/random';

export function getOrMake<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) { v = make(); m.set(k, v); }
  return v;
}
