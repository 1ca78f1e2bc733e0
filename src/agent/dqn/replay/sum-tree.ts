/**
 * A sum tree over `capacity` leaves in one Float32Array of 2 * capacity nodes (node 1 is the root, leaf i is
 * node capacity + i). Parents are recomputed from their children on every update, so sums never drift.
 * Works for any capacity, not only powers of two: every inner node has exactly two children.
 */
export class SumTree {
  readonly nodes: Float32Array;

  constructor(readonly capacity: number) {
    this.nodes = new Float32Array(2 * Math.max(capacity, 1));
  }

  get total(): number {
    return this.nodes[1];
  }

  leaf(index: number): number {
    return this.nodes[this.capacity + index];
  }

  update(index: number, value: number): void {
    const nodes = this.nodes;
    let node = this.capacity + index;
    nodes[node] = value;
    this.noteUpdate(index, nodes[node]);
    node >>= 1;
    while (node >= 1) {
      nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
      node >>= 1;
    }
  }

  /** The leaf where the running sum first exceeds `value`, never a zero-priority leaf while total > 0. */
  find(value: number): number {
    const nodes = this.nodes;
    const n = this.capacity;
    let node = 1;
    let v = value;
    while (node < n) {
      const left = 2 * node;
      if (v < nodes[left] || nodes[left + 1] <= 0) node = left;
      else {
        v -= nodes[left];
        node = left + 1;
      }
    }
    return node - n;
  }

  /**
   * The smallest leaf among 0..count-1. Kept incrementally: a lower value replaces it at once, and only raising the
   * current minimum leaf forces a scan, which happens for a few of the batch's slots per update.
   */
  min(count: number): number {
    if (this.minIndex < 0 || this.minIndex >= count) this.rescanMin(count);
    return this.minValue;
  }

  private minIndex = -1;
  private minValue = Infinity;

  private noteUpdate(index: number, value: number): void {
    if (this.minIndex < 0) return;
    if (value <= this.minValue) {
      this.minValue = value;
      this.minIndex = index;
    } else if (index === this.minIndex) this.minIndex = -1;
  }

  private rescanMin(count: number): void {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i < count; i++) {
      const v = this.nodes[this.capacity + i];
      if (v < best) {
        best = v;
        at = i;
      }
    }
    this.minValue = best;
    this.minIndex = at;
  }

  /** Leaves 0..count-1, for checkpoints. */
  leaves(count: number): Float32Array {
    return this.nodes.slice(this.capacity, this.capacity + count);
  }

  /** Restores leaves 0..values.length-1 and rebuilds every parent. */
  setLeaves(values: Float32Array): void {
    const nodes = this.nodes;
    nodes.fill(0);
    nodes.set(values, this.capacity);
    this.minIndex = -1;
    for (let node = this.capacity - 1; node >= 1; node--) nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
  }
}
