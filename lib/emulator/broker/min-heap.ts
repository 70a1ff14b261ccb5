/**
 * Binary min-heap ordered by a numeric key, ties broken by insertion order so that events due at the
 * same instant fire in the order they were scheduled. Used for the broker's due events and for the
 * shared long-poll deadline: O(log n) push/pop, no per-entry timers.
 */
interface HeapNode<T> {
  key: number;
  seq: number;
  value: T;
}

export class MinHeap<T> {
  private readonly nodes: HeapNode<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.nodes.length;
  }

  push(key: number, value: T): void {
    const nodes = this.nodes;
    nodes.push({ key, seq: this.nextSeq++, value });
    let i = nodes.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(nodes[i]!, nodes[parent]!)) break;
      swap(nodes, i, parent);
      i = parent;
    }
  }

  /** Key of the smallest entry, or undefined when empty. */
  peekKey(): number | undefined {
    return this.nodes.length === 0 ? undefined : this.nodes[0]!.key;
  }

  pop(): T | undefined {
    const nodes = this.nodes;
    if (nodes.length === 0) return undefined;
    const top = nodes[0]!;
    const last = nodes.pop()!;
    if (nodes.length > 0) {
      nodes[0] = last;
      this.siftDown(0);
    }
    return top.value;
  }

  clear(): void {
    this.nodes.length = 0;
  }

  /** Keeps only the entries for which keep() is true (O(n) rebuild). */
  retain(keep: (value: T) => boolean): void {
    const nodes = this.nodes;
    let n = 0;
    for (const node of nodes) if (keep(node.value)) nodes[n++] = node;
    nodes.length = n;
    // Bottom-up heapify; insertion seq is kept, so ties still fire in scheduling order.
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(start: number): void {
    const nodes = this.nodes;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < nodes.length && less(nodes[l]!, nodes[smallest]!)) smallest = l;
      if (r < nodes.length && less(nodes[r]!, nodes[smallest]!)) smallest = r;
      if (smallest === i) return;
      swap(nodes, i, smallest);
      i = smallest;
    }
  }
}

function less<T>(a: HeapNode<T>, b: HeapNode<T>): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}

function swap<T>(nodes: HeapNode<T>[], i: number, j: number): void {
  const t = nodes[i]!;
  nodes[i] = nodes[j]!;
  nodes[j] = t;
}
