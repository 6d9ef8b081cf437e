import { compile, type HtmlToTextOptions } from 'html-to-text';

import { BIDI_CONTROLS, LINE_CONTROLS, ZERO_WIDTH_FORMATS } from '../common/invisible-characters.js';
import type { Article } from '../domain/article.js';
import type { AssistCard } from '../domain/card.js';

export interface CardFormatOptions {
  interactionId: string;
  /** Articles scoring below this are dropped (an article without a score is not judged by it). */
  minScore: number;
  maxCards: number;
  /** True when this article was already pushed to the interaction; such entries are dropped. */
  isAlreadyShown?: (articleId: string) => boolean;
}

/** Contract: `snippet` is plain text of at most 150 characters. */
export const SNIPPET_MAX_CHARS = 150;
export const TITLE_MAX_CHARS = 200;
export const MAX_CITATION_CHARS = 2048;
/** HTML is cut to this many characters BEFORE parsing, so a huge body costs no more than a moderate one. */
export const MAX_HTML_INPUT_CHARS = 20_000;

const ELLIPSIS = '…';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  options: { uppercase: false },
}));
/** Elements whose content is code, styling or embedded objects, never text for the agent. */
const SKIPPED = ['script', 'style', 'noscript', 'template', 'head', 'title', 'iframe', 'object', 'svg', 'img'].map(
  (selector) => ({ selector, format: 'skip' }),
);

const HTML_TO_TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  // Without U+200B, which html-to-text counts as whitespace by default: it is removed below, not turned
  // into a space, so the text reads as it renders ("pass\u200bword" is "password").
  whitespaceCharacters: ' \t\r\n\f',
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    ...HEADINGS,
    ...SKIPPED,
    { selector: 'hr', format: 'lineBreak' },
    { selector: 'ul', options: { itemPrefix: '• ' } },
    { selector: 'table', format: 'block' },
    { selector: 'td', format: 'block' },
    { selector: 'th', format: 'block' },
  ],
  limits: {
    ellipsis: '',
    maxDepth: 64,
    // A snippet or title never needs more; bounds the layout work on pathological bodies.
    maxChildNodes: 400,
    // The input is already capped; this is only a second fence.
    maxInputLength: MAX_HTML_INPUT_CHARS,
  },
};

/** Compiled once: html-to-text builds its selector decision tree here, not per call. */
const htmlToText = compile(HTML_TO_TEXT_OPTIONS);

/** Controls that separate words (C0, C1, DEL, line/paragraph separators) become spaces. */
const WORD_BREAKING_CONTROLS = new RegExp(`[${LINE_CONTROLS}]`, 'g');
/** Bidi controls and zero-width characters have no width: they go without a trace. */
const INVISIBLE_CHARS = new RegExp(`[${BIDI_CONTROLS}${ZERO_WIDTH_FORMATS}]`, 'g');
const WHITESPACE_RUNS = /\s+/g;
/**
 * A `<` that could open a tag once the plain text lands in some HTML context (decoded `&lt;script&gt;`
 * for instance) becomes a look-alike, same length, so the snippet is inert wherever it is rendered.
 */
const TAG_OPENERS = /<(?=[A-Za-z!/?])/g;

/**
 * The same articles come back search after search: their text is worked out once. Bounded by the
 * characters the memo holds; the oldest entries go first. Bodies longer than this are not memoised.
 */
const MEMO_MAX_CHARS = 2_000_000;
const MEMO_ENTRY_MAX_CHARS = 8_000;
const memo = new Map<string, string>();
let memoChars = 0;

/**
 * Plain text of an HTML fragment, on one line, at most `maxChars` characters including the trailing
 * ellipsis when it had to be cut (at the last word boundary that fits; hard cut if there is none),
 * without control, bidi or zero-width characters. Never throws; anything but a string gives ''.
 */
export function toSnippet(html: string, maxChars: number = SNIPPET_MAX_CHARS): string {
  if (typeof html !== 'string') return '';
  const limit = Math.floor(maxChars);
  if (!(limit >= 1)) return '';
  if (html.length > MEMO_ENTRY_MAX_CHARS) return plainText(html, limit);

  const key = `${limit}\u0000${html}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const text = plainText(html, limit);
  memo.set(key, text);
  memoChars += key.length + text.length;
  for (const [oldest, value] of memo) {
    if (memoChars <= MEMO_MAX_CHARS) break;
    memo.delete(oldest);
    memoChars -= oldest.length + value.length;
  }
  return text;
}

function plainText(html: string, limit: number): string {
  let text: string;
  try {
    text = htmlToText(dropTrailingHighSurrogate(html.slice(0, MAX_HTML_INPUT_CHARS)));
  } catch {
    return '';
  }
  // After html-to-text, which decodes `&#x202E;` and the like; before the tag-opener pass, which must see
  // `<\u200bscript` as `<script`.
  text = text
    .replace(WORD_BREAKING_CONTROLS, ' ')
    .replace(INVISIBLE_CHARS, '')
    .replace(WHITESPACE_RUNS, ' ')
    .replace(TAG_OPENERS, '‹')
    .trim();
  return truncateAtWord(text, limit);
}

/** `text` if it fits, else its longest word-aligned prefix that fits together with '…'. */
function truncateAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const room = maxChars - ELLIPSIS.length;
  const window = text.slice(0, room);
  let cut: string;
  if (text[room] === ' ') {
    cut = window; // the window already ends at a word boundary
  } else {
    const lastSpace = window.lastIndexOf(' ');
    cut = lastSpace > 0 ? window.slice(0, lastSpace) : window;
  }
  return dropTrailingHighSurrogate(cut.trimEnd()) + ELLIPSIS;
}

/** Never leave half of a surrogate pair at a cut. */
function dropTrailingHighSurrogate(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? s.slice(0, -1) : s;
}

/**
 * The URL as an absolute `http:`/`https:` href without credentials, else undefined. `javascript:`,
 * `data:`, relative and protocol-relative (`//host`) URLs and anything that is not a string fail.
 */
export function safeCitation(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_CITATION_CHARS) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return undefined;
  const href = parsed.href;
  return href.length <= MAX_CITATION_CHARS ? href : undefined;
}

/**
 * Cards from a knowledge source's articles, in its (relevance) order: only articles scoring at least
 * `minScore`, with an http(s) citation and a title that is more than markup, not already shown and not
 * repeated, at most `maxCards`, numbered 1..n after filtering. Never throws.
 */
export function formatCards(articles: readonly Article[], options: CardFormatOptions): AssistCard[] {
  const cards: AssistCard[] = [];
  const maxCards = Math.floor(options.maxCards);
  if (!(maxCards >= 1)) return cards;

  const seen = new Set<string>();
  for (let i = 0; i < articles.length && cards.length < maxCards; i++) {
    try {
      const card = toCard(articles[i], options, seen, cards.length + 1);
      if (card) {
        seen.add(card.id);
        cards.push(card);
      }
    } catch {
      // A throwing isAlreadyShown: skip the article.
    }
  }
  return cards;
}

function toCard(
  article: Article,
  options: CardFormatOptions,
  seen: ReadonlySet<string>,
  priority: number,
): AssistCard | undefined {
  const { id, title, body, url, score } = article;
  if (score !== undefined && score < options.minScore) return undefined;

  // Cheap checks first; the HTML conversions only run for articles that will become cards.
  if (seen.has(id)) return undefined;
  const citation = safeCitation(url);
  if (citation === undefined) return undefined;
  if (options.isAlreadyShown?.(id) === true) return undefined;

  // A title that is nothing but markup or invisible characters counts as missing.
  const plainTitle = toSnippet(title, TITLE_MAX_CHARS);
  if (plainTitle === '') return undefined;

  return {
    id,
    title: plainTitle,
    priority,
    // A score raised by learned verdicts can pass 1; the card keeps the 0-1 scale of the contract.
    score: Math.min(1, score ?? 0),
    citation,
    snippet: toSnippet(body, SNIPPET_MAX_CHARS),
    interactionId: options.interactionId,
  };
}
