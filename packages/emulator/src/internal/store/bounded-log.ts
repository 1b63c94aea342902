/**
 * An append-only array that forgets its oldest entries past `max`. Trimming in chunks keeps
 * appends amortised O(1) instead of shifting the whole array on every push.
 */
export class BoundedLog<T> {
  readonly items: T[] = [];

  constructor(private readonly max: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.max) {
      const excess = this.items.length - this.max;
      const chunk = Math.max(excess, Math.ceil(this.max / 10));
      this.items.splice(0, Math.min(chunk, this.items.length - 1));
    }
  }

  clear(): void {
    this.items.length = 0;
  }
}
