import type { InteractionBuffer } from './interaction-buffer.js';

/**
 * Interactions in order of last activity, least recent at `head`: an intrusive doubly linked list
 * over InteractionBuffer.prev/next, so touching, evicting and removing are O(1) and allocate nothing.
 */
export class RecencyList {
  head: InteractionBuffer | undefined = undefined;
  tail: InteractionBuffer | undefined = undefined;

  /** Appends `b` as the most recently active. `b` must not be in the list. */
  push(b: InteractionBuffer): void {
    b.prev = this.tail;
    b.next = undefined;
    if (this.tail !== undefined) this.tail.next = b;
    else this.head = b;
    this.tail = b;
  }

  /** Makes `b` (already in the list) the most recently active. */
  touch(b: InteractionBuffer): void {
    if (b === this.tail) return;
    this.remove(b);
    this.push(b);
  }

  remove(b: InteractionBuffer): void {
    if (b.prev !== undefined) b.prev.next = b.next;
    else if (this.head === b) this.head = b.next;
    if (b.next !== undefined) b.next.prev = b.prev;
    else if (this.tail === b) this.tail = b.prev;
    b.prev = undefined;
    b.next = undefined;
  }

  clear(): void {
    this.head = this.tail = undefined;
  }
}
