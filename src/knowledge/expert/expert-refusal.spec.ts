import { describe, expect, it } from 'vitest';
import { expertSays } from './expert-refusal.js';

const dekiError = (message: unknown) =>
  JSON.stringify({ '@status': '403', exception: 'MindTouch.Deki.Exceptions.ForbiddenException', message });

describe(expertSays.name, () => {
  it("gives the message of Expert's JSON error reply", () => {
    expect(expertSays(dekiError('X-Deki-Token refused (stale)'), [])).toBe('X-Deki-Token refused (stale)');
  });

  it('removes server tokens, the secrets, controls and invisible characters', () => {
    const message = 'bad\u202e token tkn_k_1_=u_abcdef for s3cret-value\n\u200b end';
    expect(expertSays(dekiError(message), ['s3cret-value'])).toBe('bad token tkn_[redacted] for [redacted] end');
  });

  it('cuts a long message to 160 characters', () => {
    const said = expertSays(dekiError('word '.repeat(100)), []);
    expect(said).toHaveLength(160);
    expect(said?.endsWith('…')).toBe(true);
  });

  it('says nothing for HTML, a huge body, or JSON without a text message', () => {
    expect(expertSays('<html><body>403 Forbidden</body></html>', [])).toBeUndefined();
    expect(expertSays(dekiError('x'.repeat(20_000)), [])).toBeUndefined();
    expect(expertSays(dekiError(42), [])).toBeUndefined();
    expect(expertSays('null', [])).toBeUndefined();
    expect(expertSays('', [])).toBeUndefined();
  });
});
