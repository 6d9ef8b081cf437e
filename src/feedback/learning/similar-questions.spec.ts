import { describe, expect, it } from 'vitest';
import { type LearnedCase, SimilarQuestions } from './similar-questions.js';

const learned = (terms: string[], articleId: string, accepted: number, rejected = 0): LearnedCase => ({
  terms: [...terms].sort(),
  articleId,
  accepted,
  rejected,
});

const VOICEMAIL = ['pin', 'reset', 'voicemail'];
const OVERDRAFT = ['fee', 'overdraft', 'refund'];

describe(SimilarQuestions.name, () => {
  it('gives the same question its case full weight, and a different question no vote at all', () => {
    const sut = new SimilarQuestions();
    sut.put(learned(VOICEMAIL, 'kb-voicemail', 3, 1));
    sut.put(learned(OVERDRAFT, 'kb-overdraft', 1));

    const same = sut.votes(['voicemail', 'reset', 'pin']);
    expect([...same.keys()]).toEqual(['kb-voicemail']);
    expect(same.get('kb-voicemail')).toBeCloseTo(2, 10); // similarity 1 × (3 − 1)

    expect(sut.votes(['card', 'lost', 'stolen']).size).toBe(0);
  });

  it('counts a past question only from MIN_SIMILARITY up: one shared word out of three is not enough', () => {
    const sut = new SimilarQuestions();
    sut.put(learned(VOICEMAIL, 'kb-voicemail', 1));
    sut.put(learned(OVERDRAFT, 'kb-overdraft', 1));

    // Shares "reset" only: a different question about resetting something else.
    expect(sut.votes(['password', 'reset', 'online']).has('kb-voicemail')).toBe(false);
    // Shares two of three subject words: the same question worded differently.
    const close = sut.votes(['voicemail', 'pin', 'change']).get('kb-voicemail');
    expect(close).toBeGreaterThan(0.5);
    expect(close).toBeLessThan(1);
  });

  it('weighs rare words more than common ones: sharing only a word every question has tells nothing', () => {
    const sut = new SimilarQuestions();
    sut.put(learned(['card', 'voicemail'], 'kb-voicemail', 1));
    for (const word of ['lost', 'stolen', 'declined', 'expired', 'limit', 'pin', 'chip', 'contactless']) {
      sut.put(learned(['card', word], `kb-card-${word}`, 1));
    }

    const rare = sut.votes(['voicemail']).get('kb-voicemail');
    expect(rare).toBeGreaterThan(0.9); // "voicemail" carries nearly all of its case's weight
    expect(sut.votes(['card']).has('kb-voicemail')).toBe(false); // "card" is in every case
  });

  it('turns accepts into positive votes and rejects into negative ones, summed over similar cases', () => {
    const sut = new SimilarQuestions();
    sut.put(learned(VOICEMAIL, 'kb-accepted', 2));
    sut.put(learned(VOICEMAIL, 'kb-rejected', 0, 3));
    sut.put(learned(VOICEMAIL, 'kb-split', 2, 2));
    sut.put(learned(['pin', 'voicemail'], 'kb-accepted', 1));

    const votes = sut.votes(VOICEMAIL);
    expect(votes.get('kb-accepted')).toBeGreaterThan(2); // 2 from the same question, more from a similar one
    expect(votes.get('kb-accepted')).toBeLessThan(3);
    expect(votes.get('kb-rejected')).toBeCloseTo(-3, 10);
    expect(votes.get('kb-split')).toBeCloseTo(0, 10);
  });

  it('replaces the case of the same (question, article) on put, and forgets it on remove', () => {
    const sut = new SimilarQuestions();
    sut.put(learned(VOICEMAIL, 'kb-voicemail', 1));
    sut.put(learned(VOICEMAIL, 'kb-voicemail', 1, 4));
    expect(sut.size).toBe(1);
    expect(sut.votes(VOICEMAIL).get('kb-voicemail')).toBeCloseTo(-3, 10);

    sut.remove(['voicemail'], 'kb-voicemail'); // another question: nothing to remove
    sut.remove(VOICEMAIL, 'kb-other'); // another article: nothing to remove
    expect(sut.size).toBe(1);

    sut.remove(VOICEMAIL, 'kb-voicemail');
    expect(sut.size).toBe(0);
    expect(sut.votes(VOICEMAIL).size).toBe(0);
  });

  it("forgets a removed case's words too, so they weigh as rare again", () => {
    const sut = new SimilarQuestions();
    sut.put(learned(['card', 'voicemail'], 'kb-voicemail', 1));
    const common = ['lost', 'stolen', 'declined', 'expired', 'limit', 'pin', 'chip', 'contactless'];
    for (const word of common) sut.put(learned(['card', word], `kb-card-${word}`, 1));
    expect(sut.votes(['card']).has('kb-voicemail')).toBe(false);

    for (const word of common) sut.remove(['card', word].sort(), `kb-card-${word}`);
    expect(sut.size).toBe(1);
    // Alone again, "card" is half of its case's weight: 1/√2 ≥ MIN_SIMILARITY.
    expect(sut.votes(['card']).get('kb-voicemail')).toBeCloseTo(Math.SQRT1_2, 10);
  });

  it('has no votes while empty, after clear, or for a question without terms', () => {
    const sut = new SimilarQuestions();
    expect(sut.votes(VOICEMAIL).size).toBe(0);
    sut.put(learned(VOICEMAIL, 'kb-voicemail', 1));
    expect(sut.votes([]).size).toBe(0);
    sut.clear();
    expect(sut.size).toBe(0);
    expect(sut.votes(VOICEMAIL).size).toBe(0);
  });
});
