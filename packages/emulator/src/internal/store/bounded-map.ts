/** A Map that keeps at most `max` entries, dropping the oldest insertions first. */
export class BoundedMap<V> {
  readonly map = new Map<string, V>();

  constructor(
    private readonly max: number,
    private readonly onEvict: (value: V) => void = () => {},
  ) {}

  set(key: string, value: V): void {
    this.map.set(key, value);
    if (this.map.size > this.max) {
      for (const [oldKey, oldValue] of this.map) {
        if (this.map.size <= this.max) break;
        this.map.delete(oldKey);
        this.onEvict(oldValue);
      }
    }
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  values(): V[] {
    return Array.from(this.map.values());
  }

  clear(): void {
    for (const value of this.map.values()) this.onEvict(value);
    this.map.clear();
  }
}
