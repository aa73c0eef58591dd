import { OldestKeys } from './oldest-keys.ts';

/**
 * Markup kept by everything it shows (the navigation, the vote form): a kept
 * one is never out of date, so nothing empties it; it only has to stay
 * small. Bounded by entries and by bytes (a string's length × 2: V8 keeps a
 * string with any non-Latin-1 character at two bytes a character), the
 * least recently used out first: a long-running process meets many people and keeps the
 * recent ones. A value heavier than the whole budget is not kept.
 */
export class RenderedStrings<V extends string = string> {
  private readonly entries = new Map<string, V>();
  private readonly oldest = new OldestKeys(this.entries);
  private bytes = 0;

  constructor(private readonly maxEntries: number, private readonly maxBytes: number) {}

  /** The kept markup for `key`, or what `render` makes of it (then kept). */
  get(key: string, render: () => V): V {
    let value = this.entries.get(key);
    if (value !== undefined) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, value);
    } else {
      value = render();
      const weight = 2 * (key.length + value.length);
      if (weight > this.maxBytes) return value;
      this.entries.set(key, value);
      this.bytes += weight;
      while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
        const oldest = this.oldest.next()!;
        const old = this.entries.get(oldest)!;
        this.entries.delete(oldest);
        this.bytes -= 2 * (oldest.length + old.length);
      }
    }
    return value;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
