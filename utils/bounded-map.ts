/**
 * A map that keeps at most `max` weight (characters, bytes) of values, the least recently read going first; a
 * value heavier than `maxOne` is not kept. Pure. Used for what search and the lock keep of what they read
 * (utils/search/memory.ts `texts`, utils/lock/opened.ts).
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  private weight = 0;

  constructor(
    private readonly max: number,
    private readonly maxOne: number,
    private readonly weigh: (value: V) => number,
  ) {}

  get(key: K): V | undefined {
    const v = this.entries.get(key);
    if (v === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const w = this.weigh(value);
    if (w > this.maxOne) return;
    this.entries.set(key, value);
    this.weight += w;
    for (const [k, v] of this.entries) {
      if (this.weight <= this.max) break;
      this.entries.delete(k);
      this.weight -= this.weigh(v);
    }
  }

  delete(key: K): void {
    const v = this.entries.get(key);
    if (v === undefined) return;
    this.entries.delete(key);
    this.weight -= this.weigh(v);
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
