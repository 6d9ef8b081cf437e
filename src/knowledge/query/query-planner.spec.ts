import { describe, expect, it } from 'vitest';
import type { Utterance } from '../../domain/utterance.js';
import { type QueryPlan, QueryPlanner, SELF_CONTAINED_TERMS } from './query-planner.js';
import { MAX_SCANNED_CHARS, toTerms } from './terms.js';

const T0 = 1_800_000_000_000;
const IDLE_MS = 60_000;
/** query-planner.ts keeps this much of a topic's text. */
const MAX_TOPIC_CHARS = 300;

let seq = 0;
const said = (text: string, interactionId = 'call-1'): Utterance => ({
  interactionId,
  seq: ++seq,
  text,
  reason: 'silence',
  startedAt: T0,
  flushedAt: T0,
  fragments: 1,
});

/** Self-contained: at least SELF_CONTAINED_TERMS content words. */
const CHARGED_TWICE = 'My debit card was charged twice for the same order';
const VOICEMAIL_PIN = 'I forgot the voicemail PIN on my mobile';
/** Vague: fewer content words than SELF_CONTAINED_TERMS, and not small talk. */
const HOW_LONG = 'how long does that take';
const AND_REFUND = 'and the refund for that charge';

describe(QueryPlanner.name, () => {
  it('does not search small talk, and says why', () => {
    const sut = new QueryPlanner(10);

    expect(sut.plan(said('Hello, hi there'))).toEqual({ search: false, why: 'no-content' });
    expect(sut.plan(said('Thanks, the transfer has gone through'))).toEqual({ search: false, why: 'acknowledgement' });
    expect(sut.plan(said('Let me grab my card'))).toEqual({ search: false, why: 'holding' });
    expect(sut.plan(said('Sort code 40 12 76'))).toEqual({ search: false, why: 'detail' });
  });

  it('searches a self-contained utterance as said', () => {
    const sut = new QueryPlanner(10);
    expect(toTerms(CHARGED_TWICE).content.length).toBeGreaterThanOrEqual(SELF_CONTAINED_TERMS);

    expect(sut.plan(said(CHARGED_TWICE))).toEqual({
      search: true,
      text: CHARGED_TWICE,
      stems: ['debit', 'card', 'charg', 'twice', 'order'],
      basis: 'utterance',
      asks: false,
    });
  });

  it('says whether the utterance asks something: a statement needs stronger hits', () => {
    const sut = new QueryPlanner(10);
    expect(sut.plan(said('Can I get a new voicemail PIN'))).toMatchObject({ search: true, asks: true });
    expect(sut.plan(said('Is there a fee for international roaming'))).toMatchObject({ asks: true });
    expect(sut.plan(said('The parcel arrived with a cracked screen'))).toMatchObject({ search: true, asks: false });
  });

  it('searches a vague utterance alone when the call has no topic yet', () => {
    const sut = new QueryPlanner(10);
    expect(toTerms(HOW_LONG).content.length).toBeLessThan(SELF_CONTAINED_TERMS);

    expect(sut.plan(said(HOW_LONG))).toEqual({
      search: true,
      text: HOW_LONG,
      stems: ['long'],
      basis: 'utterance',
      asks: true,
    });
  });

  it('searches a vague utterance with the topic set by cards shown for an utterance searched alone', () => {
    const sut = new QueryPlanner(10);
    const topic = sut.plan(said(CHARGED_TWICE));
    sut.cardsShown('call-1', topic);

    expect(sut.plan(said(AND_REFUND))).toEqual({
      search: true,
      text: `${CHARGED_TWICE} ${AND_REFUND}`,
      stems: ['debit', 'card', 'charg', 'twice', 'order', 'refund'],
      basis: 'with-topic',
      asks: false,
    });
  });

  it(`searches an utterance with SELF_CONTAINED_TERMS (${SELF_CONTAINED_TERMS}) content words alone, topic or not`, () => {
    const sut = new QueryPlanner(10);
    sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE)));
    const fewer = 'what about the overdraft fee';
    const enough = 'what about the overdraft fee waiver';
    expect(toTerms(fewer).content).toHaveLength(SELF_CONTAINED_TERMS - 1);
    expect(toTerms(enough).content).toHaveLength(SELF_CONTAINED_TERMS);

    expect(sut.plan(said(fewer))).toMatchObject({ text: `${CHARGED_TWICE} ${fewer}`, basis: 'with-topic' });
    expect(sut.plan(said(enough))).toMatchObject({ text: enough, basis: 'utterance' });
  });

  it('sets no topic for an utterance that brought no cards', () => {
    const sut = new QueryPlanner(10);
    sut.plan(said(CHARGED_TWICE));

    expect(sut.plan(said(AND_REFUND))).toMatchObject({ text: AND_REFUND, basis: 'utterance' });
    expect(sut.size).toBe(0);
  });

  it('keeps the topic when a newer utterance searched alone brought no cards', () => {
    const sut = new QueryPlanner(10);
    sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE)));
    sut.plan(said(VOICEMAIL_PIN));

    expect(sut.plan(said(HOW_LONG))).toMatchObject({ text: `${CHARGED_TWICE} ${HOW_LONG}`, basis: 'with-topic' });
  });

  it('replaces the topic with a newer utterance searched alone that brought cards', () => {
    const sut = new QueryPlanner(10);
    sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE)));
    sut.cardsShown('call-1', sut.plan(said(VOICEMAIL_PIN)));

    expect(sut.plan(said(HOW_LONG))).toEqual({
      search: true,
      text: `${VOICEMAIL_PIN} ${HOW_LONG}`,
      stems: ['forgot', 'voicemail', 'pin', 'mobil', 'long'],
      basis: 'with-topic',
      asks: true,
    });
    expect(sut.size).toBe(1);
  });

  it('does not move the topic for cards of a plan searched with the topic', () => {
    const sut = new QueryPlanner(10);
    sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE)));
    const followUp = sut.plan(said(AND_REFUND));
    expect(followUp).toMatchObject({ basis: 'with-topic' });
    sut.cardsShown('call-1', followUp);

    expect(sut.plan(said(HOW_LONG))).toMatchObject({ text: `${CHARGED_TWICE} ${HOW_LONG}`, basis: 'with-topic' });
  });

  it('makes a vague utterance searched alone the topic when it brought cards', () => {
    const sut = new QueryPlanner(10);
    sut.cardsShown('call-1', sut.plan(said(AND_REFUND)));

    expect(sut.plan(said(HOW_LONG))).toMatchObject({ text: `${AND_REFUND} ${HOW_LONG}`, basis: 'with-topic' });
  });

  it('ignores cards reported for a plan that searched nothing', () => {
    const sut = new QueryPlanner(10);
    const quiet: QueryPlan = sut.plan(said('Thanks, the transfer has gone through'));
    sut.cardsShown('call-1', quiet);

    expect(sut.size).toBe(0);
    expect(sut.plan(said(HOW_LONG))).toMatchObject({ text: HOW_LONG, basis: 'utterance' });
  });

  it('keeps the topic across small talk', () => {
    const sut = new QueryPlanner(10);
    sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE)));
    expect(sut.plan(said('Okay, let me find the receipt'))).toEqual({ search: false, why: 'holding' });

    expect(sut.plan(said(HOW_LONG))).toMatchObject({ text: `${CHARGED_TWICE} ${HOW_LONG}`, basis: 'with-topic' });
  });

  it('keeps a topic per interaction', () => {
    const sut = new QueryPlanner(10);
    sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE, 'call-1')));
    sut.cardsShown('call-2', sut.plan(said(VOICEMAIL_PIN, 'call-2')));

    expect(sut.plan(said(HOW_LONG, 'call-1'))).toMatchObject({ text: `${CHARGED_TWICE} ${HOW_LONG}` });
    expect(sut.plan(said(HOW_LONG, 'call-2'))).toMatchObject({ text: `${VOICEMAIL_PIN} ${HOW_LONG}` });
    expect(sut.plan(said(HOW_LONG, 'call-3'))).toMatchObject({ text: HOW_LONG, basis: 'utterance' });
  });

  it('forgets the topic of an interaction that ended, only that one', () => {
    const sut = new QueryPlanner(10);
    sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE, 'call-1')));
    sut.cardsShown('call-2', sut.plan(said(VOICEMAIL_PIN, 'call-2')));

    sut.forget('call-1');

    expect(sut.size).toBe(1);
    expect(sut.plan(said(HOW_LONG, 'call-1'))).toMatchObject({ text: HOW_LONG, basis: 'utterance' });
    expect(sut.plan(said(HOW_LONG, 'call-2'))).toMatchObject({ basis: 'with-topic' });
  });

  it(`keeps MAX_TOPIC_CHARS (${MAX_TOPIC_CHARS}) characters of the topic's text, and all its stems`, () => {
    const sut = new QueryPlanner(10);
    const long = `${CHARGED_TWICE}, ${'and again the next week, '.repeat(20)}then the refund went to the old account`;
    expect(long.length).toBeGreaterThan(MAX_TOPIC_CHARS);
    const topic = sut.plan(said(long));
    sut.cardsShown('call-1', topic);

    const followUp = sut.plan(said(HOW_LONG));

    expect(followUp).toMatchObject({ text: `${long.slice(0, MAX_TOPIC_CHARS)} ${HOW_LONG}`, basis: 'with-topic' });
    expect(followUp.search && followUp.stems).toEqual(expect.arrayContaining(['refund', 'account', 'long']));
  });

  it(`plans with the first MAX_SCANNED_CHARS (${MAX_SCANNED_CHARS}) characters of an utterance`, () => {
    const sut = new QueryPlanner(10);
    const huge = `${CHARGED_TWICE} ${'x'.repeat(MAX_SCANNED_CHARS)} voicemail`;

    const plan = sut.plan(said(huge));

    expect(plan).toMatchObject({ text: huge.slice(0, MAX_SCANNED_CHARS), basis: 'utterance' });
    expect(plan.search && plan.stems).not.toContain('voicemail');
  });

  describe('bounded', () => {
    it('keeps at most maxInteractions topics, forgetting the least recently used', () => {
      const sut = new QueryPlanner(2);
      sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE, 'call-1')));
      sut.cardsShown('call-2', sut.plan(said(CHARGED_TWICE, 'call-2')));
      sut.cardsShown('call-3', sut.plan(said(CHARGED_TWICE, 'call-3')));

      expect(sut.size).toBe(2);
      expect(['call-1', 'call-2', 'call-3'].map((id) => sut.plan(said(HOW_LONG, id)))).toMatchObject([
        { basis: 'utterance' },
        { basis: 'with-topic' },
        { basis: 'with-topic' },
      ]);
    });

    it('counts searching with the topic as a use', () => {
      const sut = new QueryPlanner(2);
      sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE, 'call-1')));
      sut.cardsShown('call-2', sut.plan(said(CHARGED_TWICE, 'call-2')));
      expect(sut.plan(said(HOW_LONG, 'call-1'))).toMatchObject({ basis: 'with-topic' });

      sut.cardsShown('call-3', sut.plan(said(CHARGED_TWICE, 'call-3')));

      expect(['call-1', 'call-2', 'call-3'].map((id) => sut.plan(said(HOW_LONG, id)))).toMatchObject([
        { basis: 'with-topic' },
        { basis: 'utterance' },
        { basis: 'with-topic' },
      ]);
    });

    it('forgets a topic idleMs after it was set', () => {
      let clock = T0;
      const sut = new QueryPlanner(10, IDLE_MS, () => clock);
      sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE, 'call-1')));
      clock = T0 + IDLE_MS / 2;
      sut.cardsShown('call-2', sut.plan(said(VOICEMAIL_PIN, 'call-2')));

      clock = T0 + IDLE_MS;
      expect(sut.size).toBe(2);
      clock = T0 + IDLE_MS + 1;
      expect(sut.size).toBe(1);
      expect(sut.plan(said(HOW_LONG, 'call-1'))).toMatchObject({ text: HOW_LONG, basis: 'utterance' });
      expect(sut.plan(said(HOW_LONG, 'call-2'))).toMatchObject({ text: `${VOICEMAIL_PIN} ${HOW_LONG}` });
    });

    it('keeps a topic in use: a vague turn searched with it gives it idleMs more', () => {
      let clock = T0;
      const sut = new QueryPlanner(10, IDLE_MS, () => clock);
      sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE)));
      clock = T0 + IDLE_MS - 1;
      expect(sut.plan(said(HOW_LONG))).toMatchObject({ basis: 'with-topic' });

      clock = T0 + 2 * IDLE_MS - 2;
      expect(sut.plan(said(HOW_LONG))).toMatchObject({ basis: 'with-topic' });
      clock = T0 + 3 * IDLE_MS;
      expect(sut.plan(said(HOW_LONG))).toMatchObject({ text: HOW_LONG, basis: 'utterance' });
    });

    it('gives a replaced topic idleMs from its replacement', () => {
      let clock = T0;
      const sut = new QueryPlanner(10, IDLE_MS, () => clock);
      sut.cardsShown('call-1', sut.plan(said(CHARGED_TWICE)));
      clock = T0 + IDLE_MS / 2;
      sut.cardsShown('call-1', sut.plan(said(VOICEMAIL_PIN)));

      clock = T0 + IDLE_MS + IDLE_MS / 2;
      expect(sut.size).toBe(1);
      clock = T0 + IDLE_MS + IDLE_MS / 2 + 1;
      expect(sut.plan(said(HOW_LONG))).toMatchObject({ text: HOW_LONG, basis: 'utterance' });
    });
  });
});
