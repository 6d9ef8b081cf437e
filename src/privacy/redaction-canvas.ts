import { PII_KINDS, placeholderOf, type PiiKind } from './pii-kinds.js';

/** `keep` marks text that looks like personal data but is not (an IP address, an order number). */
export type ClaimKind = PiiKind | 'keep';

const CLAIM_KINDS: readonly ClaimKind[] = [...PII_KINDS, 'keep'];
/** Claimed text reads as this in the view: not a digit, letter, space or separator any rule looks for. */
const FILLER = '\u0000';

interface Claim {
  start: number;
  end: number;
  kind: ClaimKind;
}

/**
 * The text being redacted plus what each rule has claimed so far. Rules run one after another, each on
 * `view()`: the text with earlier claims blanked out, same length, so a later rule never re-reads (or
 * cuts into) what an earlier one redacted or kept, and its match positions are positions in the original.
 */
export class RedactionCanvas {
  private readonly owner: Uint8Array;
  private readonly claims: Claim[] = [];
  private cachedView: string | undefined;

  constructor(readonly original: string) {
    this.owner = new Uint8Array(original.length);
    this.cachedView = original;
  }

  /** The text with claimed spans blanked; rebuilt once after claims, so a rule reads it once, up front. */
  view(): string {
    if (this.cachedView === undefined) {
      let view = '';
      let copiedUpTo = 0;
      for (const { start, end } of this.inOrder()) {
        view += this.original.slice(copiedUpTo, start) + FILLER.repeat(end - start);
        copiedUpTo = end;
      }
      this.cachedView = view + this.original.slice(copiedUpTo);
    }
    return this.cachedView;
  }

  /** Claims [start, end) unless any of it is claimed already; true when it was. */
  claim(start: number, end: number, kind: ClaimKind): boolean {
    if (start >= end) return false;
    for (let i = start; i < end; i++) if (this.owner[i] !== 0) return false;
    this.owner.fill(CLAIM_KINDS.indexOf(kind) + 1, start, end);
    this.claims.push({ start, end, kind });
    this.cachedView = undefined;
    return true;
  }

  kindAt(position: number): ClaimKind | undefined {
    const code = this.owner[position];
    return code ? CLAIM_KINDS[code - 1] : undefined;
  }

  /** The original text with every redacting claim replaced by its placeholder, and the count per kind. */
  render(): { text: string; found: Partial<Record<PiiKind, number>> } {
    const found: Partial<Record<PiiKind, number>> = {};
    let text = '';
    let copiedUpTo = 0;
    for (const { start, end, kind } of this.inOrder()) {
      if (kind === 'keep') continue;
      text += this.original.slice(copiedUpTo, start) + placeholderOf(kind);
      copiedUpTo = end;
      found[kind] = (found[kind] ?? 0) + 1;
    }
    return { text: text + this.original.slice(copiedUpTo), found };
  }

  private inOrder(): Claim[] {
    return [...this.claims].sort((a, b) => a.start - b.start);
  }
}
