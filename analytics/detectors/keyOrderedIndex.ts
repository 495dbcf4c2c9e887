/**
 * A fixed-capacity set of (key, id) pairs (ids are 32-bit integers) kept sorted by key in two typed arrays: insert and
 * remove cost a binary search plus one block move (replace: a move of the pairs in between), and a scan can walk outwards from any key.
 * The subsequence-novelty search uses it to visit past subsequences in order of how close their
 * mean is to the query's.
 *
 * @example
 * const index = new KeyOrderedIndex(4);
 * index.insert(2.5, 7);
 * index.insert(1.0, 3);
 * index.lowerBound(2); // 1: keyAt(1) = 2.5, idAt(1) = 7
 */
export class KeyOrderedIndex {
  /** The keys in order, positions 0 to `count − 1` (read them, never write: a hot loop may scan them directly). */
  readonly keys: Float64Array;
  /** `ids[position]` belongs to `keys[position]` (read-only, like `keys`). */
  readonly ids: Int32Array;
  private size = 0;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  get count(): number {
    return this.size;
  }

  keyAt(position: number): number {
    return this.keys[position] as number;
  }

  idAt(position: number): number {
    return this.ids[position] as number;
  }

  insert(key: number, id: number): void {
    if (this.size === this.capacity) {
      throw new RangeError(`KeyOrderedIndex is full (capacity ${this.capacity})`);
    }
    const position = this.lowerBound(key);
    this.keys.copyWithin(position + 1, position, this.size);
    this.ids.copyWithin(position + 1, position, this.size);
    this.keys[position] = key;
    this.ids[position] = id;
    this.size += 1;
  }

  /** Removes the pair (key, id); returns whether it was there. */
  remove(key: number, id: number): boolean {
    const position = this.positionOf(key, id);
    if (position === -1) return false;
    this.keys.copyWithin(position, position + 1, this.size);
    this.ids.copyWithin(position, position + 1, this.size);
    this.size -= 1;
    return true;
  }

  /**
   * Replaces the pair (oldKey, oldId) with (key, id), moving only the pairs between the two
   * positions; returns whether the old pair was there (when it was not, nothing changes).
   */
  replace(oldKey: number, oldId: number, key: number, id: number): boolean {
    const from = this.positionOf(oldKey, oldId);
    if (from === -1) return false;
    const keys = this.keys;
    const ids = this.ids;
    let to = from;
    if (from > 0 && (keys[from - 1] as number) > key) {
      // Slide (to, from] right by one: `to` is the first position whose key is > key.
      to = this.upperBound(key, 0, from);
      keys.copyWithin(to + 1, to, from);
      ids.copyWithin(to + 1, to, from);
    } else if (from + 1 < this.size && (keys[from + 1] as number) < key) {
      // Slide (from, to] left by one: `to` is the last position whose key is < key.
      to = this.lowerBoundIn(key, from + 1, this.size) - 1;
      keys.copyWithin(from, from + 1, to + 1);
      ids.copyWithin(from, from + 1, to + 1);
    }
    keys[to] = key;
    ids[to] = id;
    return true;
  }

  private positionOf(key: number, id: number): number {
    let position = this.lowerBound(key);
    while (position < this.size && this.keys[position] === key && this.ids[position] !== id) {
      position += 1;
    }
    return position < this.size && this.ids[position] === id ? position : -1;
  }

  /** First position whose key is ≥ `key` (`count` when none). */
  lowerBound(key: number): number {
    return this.lowerBoundIn(key, 0, this.size);
  }

  /**
   * First position in [lo, hi) whose key is ≥ `key` (hi when none). Branch-free halving: the
   * comparison picks the half through a conditional move, so a search of random keys does not
   * pay for mispredicted branches.
   */
  private lowerBoundIn(key: number, lo: number, hi: number): number {
    const keys = this.keys;
    let base = lo;
    let length = hi - lo;
    while (length > 1) {
      const half = length >> 1;
      base = (keys[base + half - 1] as number) < key ? base + half : base;
      length -= half;
    }
    return length === 1 && (keys[base] as number) < key ? base + 1 : base;
  }

  /** First position in [lo, hi) whose key is > `key` (hi when none), branch-free like `lowerBoundIn`. */
  private upperBound(key: number, lo: number, hi: number): number {
    const keys = this.keys;
    let base = lo;
    let length = hi - lo;
    while (length > 1) {
      const half = length >> 1;
      base = (keys[base + half - 1] as number) <= key ? base + half : base;
      length -= half;
    }
    return length === 1 && (keys[base] as number) <= key ? base + 1 : base;
  }
}
