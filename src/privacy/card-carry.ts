import { claimCardDigits } from './card-numbers.js';
import { CARD_WORDS_AT_END } from './card-words.js';
import { digitCount, digitRuns, type DigitGroup, NUMBER_GAP, passesLuhn, runStartingAt } from './digit-runs.js';
import type { RedactionCanvas } from './redaction-canvas.js';

const CARD_MIN_DIGITS = 13;
const CARD_MAX_DIGITS = 19;
/** An utterance is carried into the next one, or the one after if the next has no digits ("sorry, wait"). */
const CARRY_UTTERANCES = 2;
/** Only card words this close to the end of an utterance carry over. */
const TAIL_CHARS = 120;
/** With card words just said but no digits yet, fewer leading digits than this are not a card ("2 weeks"). */
const CONTEXT_MIN_DIGITS = 4;
/** Small words that may open an utterance before the next digits ("and then 1111 1111"). */
const LEADING_FILLER =
  /^[\s,.:;-]{0,3}(?:(?:and|then|uh|um|er|so|yes|yeah|ok|okay|oh|it's|its|is|the|rest|next|last|digits|numbers|are|that's|thats)\b[\s,.:;-]{1,3}){0,4}(?=\d)/i;
const TRAILING_PUNCTUATION = /^[\s.,!?;:]{0,5}$/;

/**
 * What one utterance leaves for the next of the same interaction, so card digits spoken across a pause
 * are caught: its trailing digit groups (digits only, at most 19) and whether card words were just said.
 * Opaque on purpose: private fields are neither serialised nor shown by `inspect`, so it cannot be logged.
 */
export class CardCarry {
  readonly #groups: readonly string[];
  readonly #cardContext: boolean;
  readonly #utterancesLeft: number;

  private constructor(groups: readonly string[], cardContext: boolean, utterancesLeft: number) {
    this.#groups = groups;
    this.#cardContext = cardContext;
    this.#utterancesLeft = utterancesLeft;
  }

  static of(groups: readonly string[], cardContext: boolean): CardCarry | undefined {
    const kept = lastGroupsWithin(groups, CARD_MAX_DIGITS);
    return kept.length > 0 || cardContext ? new CardCarry(kept, cardContext, CARRY_UTTERANCES) : undefined;
  }

  get groups(): readonly string[] {
    return this.#groups;
  }

  get cardContext(): boolean {
    return this.#cardContext;
  }

  /** The carry after an utterance that said no digits at all; undefined once used up. */
  aged(): CardCarry | undefined {
    return this.#utterancesLeft > 1
      ? new CardCarry(this.#groups, this.#cardContext, this.#utterancesLeft - 1)
      : undefined;
  }

  toJSON(): string {
    return '[CardCarry]';
  }
}

/** The digits that opened an utterance, and what became of them. */
export interface Opening {
  groups: DigitGroup[];
  claimed: boolean;
  completedACard: boolean;
}

/**
 * The digits that open an utterance → [CARD] when, with the previous utterance's trailing digits, whole
 * groups make a Luhn-valid 13-19 digit number ("4111 1111" / "1111 1111"), or when they go on from card
 * words just said ("my card number is 4111" / "1111 1111 1111"; at least 4 digits if no digit was said
 * yet). Card grouping is not required here: speech may pause in the middle of a group.
 */
export function redactCardContinuation(canvas: RedactionCanvas, carry: CardCarry | undefined): Opening | undefined {
  if (!carry) return undefined;
  const text = canvas.view();
  const filler = LEADING_FILLER.exec(text);
  if (!filler) return undefined;
  const groups = runStartingAt(text, filler[0].length, NUMBER_GAP);
  const completesAt = lastGroupCompletingACard(carry.groups, groups);
  const continues = carry.cardContext && (carry.groups.length > 0 || digitCount(groups) >= CONTEXT_MIN_DIGITS);
  const claimed = claimCardDigits(canvas, continues ? groups : groups.slice(0, completesAt + 1), 1);
  return { groups, claimed, completedACard: completesAt >= 0 };
}

function lastGroupCompletingACard(carried: readonly string[], leading: DigitGroup[]): number {
  let best = -1;
  for (let from = 0; from < carried.length; from++) {
    let digits = carried.slice(from).join('');
    for (let last = 0; last < leading.length && digits.length < CARD_MAX_DIGITS; last++) {
      digits += leading[last].digits;
      if (digits.length >= CARD_MIN_DIGITS && digits.length <= CARD_MAX_DIGITS && passesLuhn(digits)) {
        best = Math.max(best, last);
      }
    }
  }
  return best;
}

/**
 * What this utterance leaves for the next. An utterance that is only digits going on from the carry
 * adds them to it ("4111" / "1111" / "1111 1111 1111"), card context and all, until they complete a
 * card; otherwise it leaves its own trailing digits and whether it ends with card words. An utterance
 * without digits or card words ("sorry, one moment") passes the old carry on once; any other ends it.
 */
export function nextCarry(
  original: string,
  previous: CardCarry | undefined,
  opening: Opening | undefined,
): CardCarry | undefined {
  const trailing = trailingGroups(original);
  const cardWordsAtEnd = CARD_WORDS_AT_END.test(original.slice(-TAIL_CHARS));
  const onlyDigits = opening !== undefined && trailing.length > 0 && trailing[0].start === opening.groups[0].start;
  if (previous && onlyDigits && !opening.completedACard) {
    const cardContext = previous.cardContext && opening.claimed;
    return CardCarry.of([...previous.groups, ...trailing.map((group) => group.digits)], cardContext);
  }
  if (trailing.length > 0 || cardWordsAtEnd) {
    return CardCarry.of(
      trailing.map((group) => group.digits),
      cardWordsAtEnd,
    );
  }
  return /\d/.test(original) ? undefined : previous?.aged();
}

/** The digit groups that end the text (only punctuation after them). */
function trailingGroups(text: string): DigitGroup[] {
  const last = digitRuns(text, NUMBER_GAP).at(-1);
  const end = last?.at(-1)?.end ?? 0;
  return last && text.length - end <= 5 && TRAILING_PUNCTUATION.test(text.slice(end)) ? last : [];
}

function lastGroupsWithin(groups: readonly string[], maxDigits: number): string[] {
  const kept: string[] = [];
  let digits = 0;
  for (let i = groups.length - 1; i >= 0 && digits + groups[i].length <= maxDigits; i--) {
    kept.unshift(groups[i]);
    digits += groups[i].length;
  }
  return kept;
}
