import { describe, expect, it } from 'vitest';
import { readDialogAct, smallTalkKind } from './dialog-act.js';
import { toTerms } from './terms.js';

const kindOf = (text: string) => smallTalkKind(text, toTerms(text));

describe(smallTalkKind.name, () => {
  describe('no content', () => {
    it.each(['', 'Hello, hi there', 'yeah okay', 'uh huh, sure, mm', 'one moment please', 'thank you so much'])(
      'is "%s"',
      (text) => {
        expect(kindOf(text)).toBe('no-content');
      },
    );

    it('is an utterance without a content word even when it asks ("sorry?")', () => {
      expect(kindOf('sorry?')).toBe('no-content');
      expect(kindOf('how are you?')).toBe('no-content');
    });
  });

  describe('acknowledgement', () => {
    it.each([
      'Thanks, the transfer has gone through',
      'Brilliant, cheers for sorting the address',
      'I really appreciate you updating the beneficiary',
      'Okay bye, enjoy the weekend',
      'Thank you, goodbye, I will watch the statement',
    ])('is thanks or a goodbye: "%s"', (text) => {
      expect(kindOf(text)).toBe('acknowledgement');
    });

    it.each([
      'The app works now',
      'Right, the card reader is working now',
      'Everything is fine now with the login',
      'Great, all sorted with the standing order',
      'All good with the router',
    ])('is saying something works now, or all is well: "%s"', (text) => {
      expect(kindOf(text)).toBe('acknowledgement');
    });

    it('needs "now" or "all" with a word saying something works', () => {
      expect(kindOf('The app works on my tablet')).toBeUndefined();
      expect(kindOf('The login page is fine')).toBeUndefined();
      expect(kindOf('I am at the branch now')).toBeUndefined();
    });
  });

  describe('holding', () => {
    it.each([
      'Let me check the account details',
      'Hang on, I am grabbing my card',
      'Hold on while I find the letter',
      'Bear with me, the laptop is slow',
      'Give me a minute to log in',
      'One moment, the statement is in the drawer',
      'Just a second, finding the reference',
    ])('opens with a holding phrase: "%s"', (text) => {
      expect(kindOf(text)).toBe('holding');
    });

    it.each(['Um, one moment, the statement is upstairs', 'uh okay so just a sec, the wallet is in the car'])(
      'skips fillers before the holding phrase: "%s"',
      (text) => {
        expect(kindOf(text)).toBe('holding');
      },
    );

    it('looks only at how the utterance opens', () => {
      expect(kindOf('I will hang on to the receipt')).toBeUndefined();
      expect(kindOf('The router said one moment and restarted')).toBeUndefined();
    });
  });

  describe('detail', () => {
    it.each([
      'I was born on the third of June, nineteen ninety one',
      'The postcode starts four one five',
      'Sort code 40 12 76',
      'The reference is seven seven two oh nine',
    ])('gives three or more numbers or dates: "%s"', (text) => {
      expect(kindOf(text)).toBe('detail');
    });

    it('does not read two numbers as a detail', () => {
      expect(kindOf('I opened two accounts in June')).toBeUndefined();
      expect(kindOf('The parcel came on 14 June')).toBeUndefined();
    });
  });

  describe('a request overrides small talk', () => {
    it('a question mark makes it a request', () => {
      expect(kindOf('Thanks, the refund is on its way')).toBe('acknowledgement');
      expect(kindOf('Thanks, the refund is on its way?')).toBeUndefined();
    });

    it.each([
      ['need', 'Thanks, I need the statement'],
      ['want', 'Thanks, I want the statement'],
      ['how', 'Thanks, and how do I set up a direct deposit'],
      ['why', 'Thanks, why is the statement late'],
      ["can't", "Thanks, I can't find the statement"],
      ['doesn’t', 'Thanks, the statement doesn’t open'],
      ["n't (not listed itself)", "Cheers, the statement shouldn't show that"],
      ['still', 'Thanks, the statement still shows the old address'],
      ['but', 'Thanks, but the statement shows the old address'],
      ['wrong', 'Thanks, the statement has the wrong address'],
      ['broken', 'Thanks, the statement link is broken'],
      ['lost', 'Thanks, I lost the statement'],
    ])('a request word makes it a request (%s)', (_word, text) => {
      expect(kindOf('Thanks for the statement')).toBe('acknowledgement');
      expect(kindOf(text)).toBeUndefined();
    });

    it('thanks, but it still does not work, is not small talk', () => {
      expect(kindOf("Thanks, but the voicemail still doesn't work")).toBeUndefined();
      expect(kindOf('thanks, but the voicemail still doesn’t work')).toBeUndefined();
    });

    it('an obligation after its subject is a need, thanks or not ("I have to …, thanks a lot")', () => {
      expect(kindOf('yes so basically I have to track a delayed order thanks a lot')).toBeUndefined();
      expect(kindOf('we got to change the seat, thanks')).toBeUndefined();
      expect(kindOf('thanks, I have the order number to hand')).toBe('acknowledgement');
    });

    it('overrides holding, resolution and detail alike', () => {
      expect(kindOf('Let me check, why was the card declined')).toBeUndefined();
      expect(kindOf('It works now but the balance is wrong')).toBeUndefined();
      expect(kindOf('My sort code is four oh six but the app says invalid')).toBeUndefined();
    });
  });

  it('leaves an ordinary statement of a need to the knowledge base', () => {
    expect(kindOf('My card was charged twice for the same order')).toBeUndefined();
    expect(kindOf('Voicemail PIN reset')).toBeUndefined();
  });
});

describe(readDialogAct.name, () => {
  const actOf = (text: string) => readDialogAct(text, toTerms(text));

  it.each([
    'can I move my plan to the cheaper tariff',
    'hi, is there a fee to send money abroad',
    'so could you block the card for me',
    "what's the limit on my credit card",
    'and will the refund go back to my original card',
    'do I have to pay for the return label',
  ])('reads a question without a question mark: "%s"', (text) => {
    expect(actOf(text)).toEqual({ asks: true });
  });

  it.each([
    'my parcel arrived with the lid smashed in',
    'the router in the hallway keeps blinking orange',
    'I booked the hotel through your website last month',
  ])('reads a statement that asks nothing, to be judged by the statement floor: "%s"', (text) => {
    expect(actOf(text)).toEqual({ asks: false });
  });

  it('reads a modal as a question only before its subject ("the app will crash" is a statement)', () => {
    expect(actOf('the banking app will crash every morning')).toEqual({ asks: false });
    expect(actOf('the banking app crashes, will you look into it')).toEqual({ asks: true });
  });

  it('keeps small talk small talk', () => {
    expect(actOf('cheers, the new SIM card works now')).toEqual({ smallTalk: 'acknowledgement' });
  });
});

describe('repairs and pleasantries', () => {
  const kind = (text: string) => smallTalkKind(text, toTerms(text));

  it.each([
    'sorry, I did not catch your surname',
    'you are breaking up a little, the signal here',
    'what was that reference again',
  ])('reads a short repair as small talk: "%s"', (text) => {
    expect(kind(text)).toBe('repair');
  });

  it.each(["how's your morning going, busy?", 'how are things over there in the office'])(
    'reads a short pleasantry as small talk: "%s"',
    (text) => {
      expect(kind(text)).toBe('pleasantry');
    },
  );

  it('searches a repair phrase that comes with a need of its own', () => {
    expect(kind("sorry I didn't catch that, my debit card payment was declined at the pharmacy")).toBeUndefined();
  });

  it('does not read "never mind" as a problem', () => {
    expect(kind('oh never mind, the package just turned up, all good')).toBe('acknowledgement');
    expect(kind('the package never turned up')).toBeUndefined();
  });
});
