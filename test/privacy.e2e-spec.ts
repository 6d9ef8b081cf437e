import { afterEach, describe, expect, it } from 'vitest';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { fragment, turnEnd } from './support/events.js';
import { counter, readiness } from './support/probes.js';

/** PII redaction, through the real stream, against the built service: what reaches the knowledge search. */
describe('privacy (e2e)', () => {
  const running: Array<AppProcess | CxoneSimulator> = [];
  const track = <T extends AppProcess | CxoneSimulator>(thing: T): T => (running.push(thing), thing);

  afterEach(async () => {
    for (const thing of running.splice(0).reverse()) await thing.stop();
  });

  async function startBoth(): Promise<{ simulator: CxoneSimulator; app: AppProcess }> {
    const simulator = track(new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET }));
    await simulator.start();
    const app = track(await new AppProcess(tenantEnv(simulator)).start());
    await app.waitForReady();
    return { simulator, app };
  }

  /** One customer turn (fragments, then TURN_END), and the query its search sent. */
  async function say(simulator: CxoneSimulator, interactionId: string, ...fragments: string[]): Promise<string> {
    const searchesBefore = simulator.received.searches.length;
    for (const text of fragments) simulator.send(fragment(interactionId, text));
    simulator.send(turnEnd(interactionId));
    await simulator.waitFor(() => simulator.received.searches.length > searchesBefore, 10_000, 'the search');
    return simulator.received.searches[searchesBefore].query.q;
  }

  const digitsOnly = (text: string) => text.replace(/\D/g, '');

  it('never sends card numbers, SSNs, e-mail addresses or phone numbers to the knowledge search', async () => {
    const { simulator, app } = await startBoth();
    const query = await say(
      simulator,
      'call-pii',
      'my card 4111 1111 1111 1111 was charged twice, ssn 123-45-6789,',
      'mail me at jane.doe@example.com or call +1 415 555 2671',
    );
    expect(query).toBe('my card [CARD] was charged twice, ssn [SSN], mail me at [EMAIL] or call [PHONE]');
    for (const secret of ['4111', '6789', 'jane.doe', '2671']) expect(app.logs).not.toContain(secret);
  });

  it('never sends cards written with commas or dots, IBANs, account numbers or dates of birth', async () => {
    const { simulator, app } = await startBoth();
    const query = await say(
      simulator,
      'call-new-pii',
      'card 5105, 1051, 0510, 5100 and 3782.822463.10005, IBAN DE89 3704 0044 0532 0130 00,',
      'account number 70412345, and 9876 5432 1098 7654 321, born 03/14/1985 or March 14th 1985',
    );
    expect(query).toBe(
      'card [CARD] and [CARD], IBAN [IBAN], account number [ACCOUNT], and [ACCOUNT], born [DOB] or [DOB]',
    );
    for (const secret of ['5105', '822463', '3704', '70412345', '9876', '1985']) {
      expect(query).not.toContain(secret);
      expect(app.logs).not.toContain(secret);
    }
    const counters = await readiness(app);
    expect(counter(counters, 'pii_redactions{kind="card"}')).toBe(2);
    expect(counter(counters, 'pii_redactions{kind="iban"}')).toBe(1);
    expect(counter(counters, 'pii_redactions{kind="account"}')).toBe(2);
    expect(counter(counters, 'pii_redactions{kind="dob"}')).toBe(2);
  });

  it('sends IP addresses, ISO dates and order, ticket and case numbers to the search as they are', async () => {
    const { simulator } = await startBoth();
    const text =
      'router 192.168.10.25 down since 2026-11-30T14:05, bill of 2026-11-02, ' +
      'order number 4471 2290 118, ticket #88231457, case 00123456';
    expect(await say(simulator, 'call-not-pii', text)).toBe(text);
  });

  it('never sends a card number spoken across two turns of one interaction', async () => {
    const { simulator, app } = await startBoth();
    const withCardWords = [
      await say(simulator, 'call-split', 'my card number is 4111 1111'),
      await say(simulator, 'call-split', '1111 1111 and I want a refund'),
    ];
    expect(withCardWords[0]).toBe('my card number is [CARD]');
    // A vague second turn is searched with the call's topic in front of it, so only its end is its own.
    expect(withCardWords[1]).toMatch(/(^|\] )\[CARD\] and I want a refund$/);
    const withoutCardWords = [
      await say(simulator, 'call-split-2', 'the payment reference is 5555'),
      await say(simulator, 'call-split-2', '5555 5555 4444, did you get that'),
    ];
    expect(withoutCardWords[1]).toBe('[CARD], did you get that');
    expect(digitsOnly(withCardWords.join(''))).not.toContain('4111111111111111');
    expect(digitsOnly(withoutCardWords.join(''))).not.toContain('5555555555554444');
    expect(app.logs).not.toContain('1111 1111');
  });
});
