/**
 * A Map's keys oldest first (insertion order), for evicting: the caller
 * deletes each key it is given. `map.keys().next()` looks the same but is
 * not: V8 leaves a deleted entry's slot in place until the table is
 * rehashed, and a fresh iterator walks every dead slot at the front, so an
 * LRU that evicts the first key and inserts one costs O(size) per insert
 * (5 µs at 6,000 entries, a page cache's store was mostly that). One long-
 * lived iterator passes each dead slot once: V8 carries live iterators
 * across rehashes, and an iterator sees keys added or moved to the end after
 * it was made. Once it has run out it stays done (the spec), so it is made
 * again then.
 */
export class OldestKeys<K> {
  private cursor: Iterator<K> | undefined;

  constructor(private readonly map: Map<K, unknown>) {}

  /** The oldest key still in the map, or undefined when it is empty. */
  next(): K | undefined {
    if (this.map.size === 0) return undefined;
    if (this.cursor) {
      const r = this.cursor.next();
      if (!r.done) return r.value;
    }
    this.cursor = this.map.keys();
    const r = this.cursor.next();
    return r.done ? undefined : r.value;
  }

  /** After map.clear(): start again from the beginning. */
  reset(): void {
    this.cursor = undefined;
  }
}
