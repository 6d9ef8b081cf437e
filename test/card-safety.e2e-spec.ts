import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator, type KbArticle } from '../src/simulator/index.js';
import { KnowledgeIndex } from '../src/simulator/knowledge-index.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor } from './support/events.js';
import { acceptedPush, askFor } from './support/probes.js';

/**
 * Knowledge articles carrying bidirectional overrides (U+202E turns "exe.png" into "gnp.exe" on screen)
 * and zero-width characters: the cards the agent sees carry none of them.
 */

/** Bidi controls, invisible format characters, C0/C1 controls and DEL. */
const INVISIBLE_OR_CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060\ufeff]/;

const ARTICLES: KbArticle[] = [
  {
    id: 'kb-bidi-pin',
    title: 'Reset a voice\u200bmail PIN \u202egnp.exe\u202c\u200d',
    body:
      '<p>\ufeffOpen \u202eLine settings\u202c &gt; Voice\u200cmail&#x202E; and choose <b>Re\u200bset PIN</b>.' +
      '\u2066\u200e\u200f\u061c\u2060&#8203;</p>',
    url: 'https://kb.example.com/articles/bidi-pin',
    tags: ['voicemail', 'pin', 'reset'],
  },
  {
    id: 'kb-bidi-ghost',
    title: '\u202e\u200b\u2066\u2069\ufeff&#x202E;',
    body: '<p>Voicemail PIN reset: the title of this article is nothing but invisible characters.</p>',
    url: 'https://kb.example.com/articles/bidi-ghost',
    tags: ['voicemail', 'pin', 'reset'],
  },
  {
    id: 'kb-plain-pin',
    title: 'Voicemail PIN basics',
    body: '<p>A voicemail PIN has four to eight digits.</p>',
    url: 'https://kb.example.com/articles/plain-pin',
    tags: ['voicemail', 'pin'],
  },
];

const QUESTION = 'I need to reset my voicemail PIN';

describe('card safety (e2e): invisible characters in knowledge articles', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, articles: ARTICLES });
    await simulator.start();
    // Every hit must become a safe card or none: the relevance floors (tested elsewhere) would keep only the best.
    app = await new AppProcess(tenantEnv(simulator, { KB_CONFIDENT_SCORE: '0', KB_RELATIVE_SCORE: '0' })).start();
    await app.waitForReady();
  });

  afterAll(async () => {
    const exitCode = await app?.stop();
    await simulator?.stop();
    expect(exitCode).toBe(0);
  });

  it('pushes cards without bidi, zero-width or control characters in titles and snippets', async () => {
    // The simulator's own search: all three articles answer the question, the ghost included.
    const reply = new KnowledgeIndex(ARTICLES).search(QUESTION, 1, 5);
    expect(reply.entities.map((entity) => entity.id).sort()).toEqual(ARTICLES.map((article) => article.id).sort());

    const id = 'call-card-safety';
    askFor(simulator, id, QUESTION);
    await acceptedPush(simulator, id);

    const cards: any[] = cardsFor(simulator, id).flatMap((request) => request.body.insights);
    for (const card of cards) {
      expect(card.title, `${card.id} title`).not.toMatch(INVISIBLE_OR_CONTROL);
      expect(card.snippet, `${card.id} snippet`).not.toMatch(INVISIBLE_OR_CONTROL);
      expect(card.snippet.length, `${card.id} snippet`).toBeLessThanOrEqual(150);
    }
    const byId = new Map(cards.map((card) => [card.id, card]));
    expect(byId.get('kb-bidi-pin')).toMatchObject({
      title: 'Reset a voicemail PIN gnp.exe',
      snippet: 'Open Line settings > Voicemail and choose Reset PIN.',
    });
    expect(byId.get('kb-plain-pin')).toMatchObject({ title: 'Voicemail PIN basics' });
    // A title that is only invisible characters is a missing title: no card.
    expect(byId.has('kb-bidi-ghost')).toBe(false);
  });
});
