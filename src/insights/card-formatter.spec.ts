import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

import { NO_CONTROL_CHARS } from '../stream/stream-event.dto.js';
import { toArticles } from '../knowledge/cxone-knowledge.source.js';
import { formatCards, safeCitation, toSnippet, type CardFormatOptions } from './card-formatter.js';

/** The tutorial's path: raw search entities, checked into articles by its knowledge source, then cards. */
const cardsFrom = (entities: unknown, formatOptions: CardFormatOptions) =>
  formatCards(toArticles(entities, formatOptions.maxCards), formatOptions);

const options = (overrides: Partial<CardFormatOptions> = {}): CardFormatOptions => ({
  interactionId: 'int-1',
  minScore: 0,
  maxCards: 5,
  ...overrides,
});

const article = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  title: `Title ${id}`,
  body: `<p>Body of ${id}</p>`,
  url: `https://kb.example.com/articles/${id}`,
  score: 0.5,
  ...overrides,
});

const ids = (cards: { id: string }[]) => cards.map((card) => card.id);

/** The characters a card must never carry: bidi controls, invisible format characters, C0/C1 controls. */
const BIDI_AND_INVISIBLE = [
  ...['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'],
  ...['\u200e', '\u200f', '\u061c', '\u200b', '\u200c', '\u200d', '\ufeff', '\u2060'],
];
const FORBIDDEN_IN_CARDS =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060\ufeff]/;

describe('formatCards', () => {
  it('does not judge an article without a score by minScore (a source that ranks but does not score)', () => {
    const unscored = { id: 'expert-1', title: 'Reset a PIN', body: 'Steps', url: 'https://help.example.com/1' };

    const cards = formatCards([unscored, { ...unscored, id: 'expert-2', score: 0.1 }], options({ minScore: 0.5 }));

    expect(cards.map(({ id, score }) => [id, score])).toEqual([['expert-1', 0]]);
  });

  it('builds cards with plain-text fields and the interaction id', () => {
    const cards = cardsFrom([article('a', { score: 0.9 })], options());

    expect(cards).toStrictEqual([
      {
        id: 'a',
        title: 'Title a',
        priority: 1,
        score: 0.9,
        citation: 'https://kb.example.com/articles/a',
        snippet: 'Body of a',
        interactionId: 'int-1',
      },
    ]);
  });

  it('keeps the API order and numbers priorities 1..n after filtering', () => {
    const cards = cardsFrom(
      [article('a'), article('bad', { url: 'javascript:alert(1)' }), article('b'), null, article('c')],
      options(),
    );

    expect(cards.map(({ id, priority }) => [id, priority])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('drops entries scoring below minScore and counts a missing score as 0', () => {
    const entities = [
      article('low', { score: 0.2 }),
      article('edge', { score: 0.5 }),
      article('high', { score: 0.8 }),
      article('missing', { score: undefined }),
      article('nan', { score: Number.NaN }),
      article('text', { score: '0.9' }),
      article('inf', { score: Number.POSITIVE_INFINITY }),
    ];

    expect(ids(cardsFrom(entities, options({ minScore: 0.5 })))).toEqual(['edge', 'high']);
    expect(cardsFrom([{ ...article('x'), score: undefined }], options()).map((c) => c.score)).toEqual([0]);
  });

  it('caps the number of cards at maxCards', () => {
    const entities = Array.from({ length: 10 }, (_, i) => article(`a${i}`));

    expect(ids(cardsFrom(entities, options({ maxCards: 3 })))).toEqual(['a0', 'a1', 'a2']);
    expect(cardsFrom(entities, options({ maxCards: 0 }))).toEqual([]);
  });

  it('keeps only the first occurrence of an id', () => {
    const cards = cardsFrom(
      [article('a', { title: 'First' }), article('b'), article('a', { title: 'Second' })],
      options(),
    );

    expect(cards.map((c) => [c.id, c.title, c.priority])).toEqual([
      ['a', 'First', 1],
      ['b', 'Title b', 2],
    ]);
  });

  it('skips articles already shown to the interaction', () => {
    const isAlreadyShown = vi.fn((id: string) => id === 'b');

    const cards = cardsFrom([article('a'), article('b'), article('c')], options({ isAlreadyShown }));

    expect(ids(cards)).toEqual(['a', 'c']);
    expect(cards.map((c) => c.priority)).toEqual([1, 2]);
    expect(isAlreadyShown).toHaveBeenCalledWith('b');
  });

  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['relative', '/articles/a'],
    ['protocol-relative', '//evil.example.com/a'],
    ['ftp:', 'ftp://kb.example.com/a'],
    ['credentials', 'https://user:pass@kb.example.com/a'],
    ['non-string', 42],
    ['missing', undefined],
  ])('drops entries whose citation is %s', (_, url) => {
    expect(cardsFrom([article('a', { url })], options())).toEqual([]);
  });

  it('turns HTML titles and bodies into plain text, without script or style contents', () => {
    const [card] = cardsFrom(
      [
        article('a', {
          title: '<b>Reset</b> your <i>password</i><script>steal()</script>',
          body:
            '<h1>How to</h1><style>p { color: red }</style><p>Open <a href="https://x.example">settings</a>' +
            '<img src="x.png" alt="screenshot">, then click <b>Reset</b>.</p><script>alert("pwn")</script>',
        }),
      ],
      options(),
    );

    expect(card.title).toBe('Reset your password');
    expect(card.snippet).toBe('How to Open settings, then click Reset.');
  });

  it('strips bidi controls and zero-width characters from plain and HTML titles and snippets', () => {
    const cards = cardsFrom(
      [
        article('plain', {
          title: 'Refund \u202egnp.exe\u202c policy\u200b',
          body: 'Pay\u200bPal refunds \u2066take\u2069 5\ufeff days\u200e\u200f\u061c\u2060.',
        }),
        article('html', {
          title: '<b>Reset</b>\u200d your <i>pass\u200cword</i>&#x202E;',
          body: '<p>Open &#x202E;settings&#x202C;, then&#8203; click\u2067 <b>Reset</b>&#xFEFF;.</p>',
        }),
      ],
      options(),
    );

    expect(cards.map(({ title, snippet }) => [title, snippet])).toEqual([
      ['Refund gnp.exe policy', 'PayPal refunds take 5 days.'],
      ['Reset your password', 'Open settings, then click Reset.'],
    ]);
  });

  it('drops an entry whose title is nothing but invisible characters, like one without a title', () => {
    const entities = [
      article('bidi-only', { title: '\u202e\u202c' }),
      article('zero-width-only', { title: ' \u200b\u200d\ufeff ' }),
      article('html-invisible-only', { title: '<b>&#x2066;\u2069</b>&#8203;' }),
      article('controls-only', { title: '\u0000\u0085\u2028' }),
      article('kept', { title: '\u202eOK' }),
    ];

    expect(cardsFrom(entities, options()).map(({ id, title, priority }) => [id, title, priority])).toEqual([
      ['kept', 'OK', 1],
    ]);
  });

  it('skips garbage entities without throwing', () => {
    const hostile = {
      get id(): string {
        throw new Error('boom');
      },
    };
    const entities: unknown[] = [
      null,
      undefined,
      42,
      'article',
      [],
      [article('in-array')],
      {},
      { id: 'no-title', url: 'https://kb.example.com/x' },
      { title: 'no id', url: 'https://kb.example.com/x' },
      article('', {}),
      article('i'.repeat(129)),
      article('numeric-title', { title: 7 }),
      article('empty-title', { title: '' }),
      article('script-only-title', { title: '<script>x()</script>' }),
      hostile,
      article('ok', { body: { html: '<p>not a string</p>' } }),
    ];

    const cards = cardsFrom(entities, options());

    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ id: 'ok', snippet: '', priority: 1 });
  });

  it('returns no cards when entities is not an array', () => {
    for (const entities of [undefined, null, 'x', 1, { entities: [] }]) {
      expect(cardsFrom(entities, options())).toEqual([]);
    }
  });

  it('survives an isAlreadyShown that throws, skipping that entry', () => {
    const isAlreadyShown = (id: string) => {
      if (id === 'a') throw new Error('store down');
      return false;
    };

    expect(ids(cardsFrom([article('a'), article('b')], options({ isAlreadyShown })))).toEqual(['b']);
  });
});

describe('safeCitation', () => {
  it.each([
    ['https://kb.example.com/a?b=1#c', 'https://kb.example.com/a?b=1#c'],
    ['http://kb.example.com', 'http://kb.example.com/'],
    ['HTTPS://KB.EXAMPLE.COM/A', 'https://kb.example.com/A'],
    ['  https://kb.example.com/a  ', 'https://kb.example.com/a'],
  ])('accepts %s as %s', (url, href) => {
    expect(safeCitation(url)).toBe(href);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox',
    'file:///etc/passwd',
    'ftp://kb.example.com/a',
    '/relative/path',
    'relative/path',
    '//evil.example.com/a',
    'https://user@kb.example.com/a',
    'https://user:secret@kb.example.com/a',
    'http://',
    '',
    'not a url',
  ])('refuses %s', (url) => {
    expect(safeCitation(url)).toBeUndefined();
  });

  it('refuses URLs longer than 2048 characters', () => {
    expect(safeCitation(`https://kb.example.com/${'a'.repeat(2048)}`)).toBeUndefined();
    expect(safeCitation(`https://kb.example.com/${'a'.repeat(2000)}`)).toBeDefined();
  });

  it('refuses everything that is not a string', () => {
    for (const url of [undefined, null, 42, {}, ['https://kb.example.com'], new URL('https://kb.example.com')]) {
      expect(safeCitation(url)).toBeUndefined();
    }
  });
});

describe('toSnippet', () => {
  it('keeps the length limit apart when the same text is asked for twice at different lengths', () => {
    const body = `<p>${'word '.repeat(60)}</p>`;
    const short = toSnippet(body, 20);
    const long = toSnippet(body, 150);
    expect(short.length).toBeLessThanOrEqual(20);
    expect(long.length).toBeGreaterThan(100);
    expect(toSnippet(body, 20)).toBe(short);
    expect(toSnippet(body, 150)).toBe(long);
  });

  it('returns short plain text unchanged, whitespace collapsed', () => {
    expect(toSnippet('  <p>Hello\n\n   <b>world</b></p>\t ')).toBe('Hello world');
  });

  it('decodes entities and removes control characters', () => {
    expect(toSnippet('Fish &amp; chips\u0000\u0007 &nbsp;today')).toBe('Fish & chips today');
  });

  it('removes every bidi control and invisible format character, literal or entity-encoded', () => {
    for (const char of BIDI_AND_INVISIBLE) {
      const entity = `&#x${char.charCodeAt(0).toString(16)};`;
      expect(toSnippet(`ab${char}cd`), `U+${char.charCodeAt(0).toString(16)}`).toBe('abcd');
      expect(toSnippet(`<p>ab${entity}cd</p>`), `${entity}`).toBe('abcd');
    }
  });

  it('removes everything the stream parser counts as a control character', () => {
    const parserControls = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code)).filter(
      (char) => !NO_CONTROL_CHARS.test(char) && !(char >= '\ud800' && char <= '\udfff'),
    );
    expect(parserControls.length).toBeGreaterThan(60);

    for (const char of parserControls) {
      expect(toSnippet(`ab${char}cd`), `U+${char.charCodeAt(0).toString(16)}`).not.toContain(char);
    }
  });

  it('strips invisible characters before cutting, so 150 visible characters fit', () => {
    const snippet = toSnippet('a\u200b'.repeat(300));

    expect(snippet).toBe(`${'a'.repeat(149)}…`);
  });

  it('defuses a tag opener hidden behind a zero-width character', () => {
    expect(toSnippet('&lt;\u200bscript&gt;alert(1)&lt;/script&gt;')).not.toMatch(/<script/i);
  });

  it('keeps heading case and drops link targets and images', () => {
    expect(
      toSnippet('<h2>Billing FAQ</h2><a href="https://x.example">see here</a><img src="y.png" alt="alt text">'),
    ).toBe('Billing FAQ see here');
  });

  it('never returns script or style contents', () => {
    const snippet = toSnippet('<script>var secret = 1;</script><style>.x{}</style><noscript>ns</noscript>Visible');

    expect(snippet).toBe('Visible');
  });

  it('defuses tag-like text produced by entity decoding', () => {
    expect(toSnippet('&lt;script&gt;alert(1)&lt;/script&gt;')).not.toMatch(/<script/i);
  });

  it('cuts at the last word boundary so that the text plus the ellipsis fits in 150 characters', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');

    const snippet = toSnippet(`<p>${words}</p>`);

    expect(snippet.length).toBeLessThanOrEqual(150);
    expect(snippet.endsWith('…')).toBe(true);
    const kept = snippet.slice(0, -1);
    expect(words.startsWith(kept)).toBe(true);
    expect(words[kept.length]).toBe(' '); // the cut falls between two words
    expect(`${kept} ${words.slice(kept.length + 1).split(' ')[0]}…`.length).toBeGreaterThan(150);
  });

  it('keeps a whole window when the next character is a space', () => {
    expect(toSnippet(`${'a'.repeat(149)} tail`)).toBe(`${'a'.repeat(149)}…`);
    expect(toSnippet(`${'b'.repeat(148)} tail`)).toBe(`${'b'.repeat(148)}…`);
  });

  it('hard-cuts a single long word', () => {
    const snippet = toSnippet('x'.repeat(500));

    expect(snippet).toBe(`${'x'.repeat(149)}…`);
  });

  it('honours a custom maximum', () => {
    expect(toSnippet('one two three four', 10)).toBe('one two…');
    expect(toSnippet('one two three four', 1)).toBe('…');
    expect(toSnippet('one two', 0)).toBe('');
  });

  it('handles a 2 MB body, reading only its beginning', () => {
    const body = `<p>${'lorem ipsum '.repeat(2000)}</p><p>${'FAR_AWAY '.repeat(250_000)}</p>`;
    expect(body.length).toBeGreaterThan(2_000_000);

    const snippet = toSnippet(body);

    expect(snippet.length).toBeLessThanOrEqual(150);
    expect(snippet.startsWith('lorem ipsum lorem')).toBe(true);
    expect(snippet).not.toContain('FAR_AWAY');
  });

  it('survives pathologically nested HTML', () => {
    expect(() => toSnippet('<div>'.repeat(10_000) + 'deep')).not.toThrow();
    expect(toSnippet('<b>'.repeat(7_000)).length).toBeLessThanOrEqual(150);
  });

  it('never leaves half a surrogate pair at the cut', () => {
    const snippet = toSnippet(`${'x'.repeat(148)}😀😀`);

    expect(snippet).toBe(`${'x'.repeat(148)}…`);
  });

  it('returns an empty string for non-strings', () => {
    expect(toSnippet(undefined as unknown as string)).toBe('');
    expect(toSnippet(42 as unknown as string)).toBe('');
  });

  it('property: any string gives at most 150 characters, never "<script" and no invisible characters', () => {
    const htmlish = fc
      .array(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.constantFrom(
            '<script>',
            '</script>',
            '<SCRIPT >',
            '&lt;script&gt;',
            '&#60;script',
            '<',
            'script',
            '<p>',
            '</p>',
            '<style>',
            '<!--',
            '-->',
            '<![CDATA[',
            ' ',
            '\u0000',
            '&amp;',
            '<a href="javascript:x">',
            '😀',
            '\u202e',
            '&#x202E;',
            '\u200b',
            '&#8203;',
            '\ufeff',
            '\u2066',
            '\u0085',
          ),
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));

    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ maxLength: 600 }), htmlish), (s) => {
        const snippet = toSnippet(s);
        expect(snippet.length).toBeLessThanOrEqual(150);
        expect(snippet.toLowerCase()).not.toContain('<script');
        expect(snippet).not.toMatch(FORBIDDEN_IN_CARDS);
      }),
      { numRuns: 500 },
    );
  });
});
