import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CxoneSimulator, loadConversations } from '../src/simulator/index.js';
import { AppProcess, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, ended, fragment, turnEnd } from './support/events.js';

/** What happened to one customer turn: cards pushed, or the cause the service counted for staying quiet. */
type Outcome = { pushed: string[] } | { quiet: string };

/** Counters that each count one customer turn the service stayed quiet on, by cause. */
const QUIET_SERIES =
  /^agent_assist_(utterances_not_searched_total|searches_without_cards_total)\{cause="([^"]+)"\} (\d+)/;

/**
 * The sandbox's scripted calls, played turn by turn to the built service through the simulator: every
 * call's closing small talk ("Perfect, thank you so much.") gets no card, while the turns that ask for
 * something still do.
 */
describe('relevance (e2e): the sandbox calls', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  beforeAll(async () => {
    simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    await simulator.start();
    app = await new AppProcess(tenantEnv(simulator)).start();
    await app.waitForReady();
  });

  afterAll(async () => {
    const exitCode = await app?.stop();
    await simulator?.stop();
    expect(exitCode).toBe(0);
  });

  /** Quiet turns counted so far, by series and cause (agent turns, not searched by speaker, left out). */
  async function quietCounts(): Promise<Map<string, number>> {
    const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
    const counts = new Map<string, number>();
    for (const line of text.split('\n')) {
      const match = QUIET_SERIES.exec(line);
      if (match && match[2] !== 'speaker') counts.set(`${match[1]}:${match[2]}`, Number(match[3]));
    }
    return counts;
  }

  /** Sends one customer turn and waits for what the service did with it. */
  async function customerTurn(interactionId: string, events: object[]): Promise<Outcome> {
    const pushesBefore = cardsFor(simulator, interactionId).length;
    const quietBefore = await quietCounts();
    for (const event of events) simulator.send(event);
    let outcome: Outcome | undefined;
    await simulator.waitFor(
      async () => {
        const pushes = cardsFor(simulator, interactionId);
        if (pushes.length > pushesBefore) {
          outcome = { pushed: pushes.at(-1)!.body.insights.map((card: { id: string }) => card.id) };
          return true;
        }
        for (const [key, count] of await quietCounts()) {
          if (count > (quietBefore.get(key) ?? 0)) outcome = { quiet: key };
        }
        return outcome !== undefined;
      },
      10_000,
      `the outcome of a turn of ${interactionId}`,
    );
    return outcome!;
  }

  it('pushes no card for the closing small talk of any scripted call, and cards for what is asked', async () => {
    const outcomes: { call: string; turn: string; outcome: Outcome }[] = [];
    for (const conversation of loadConversations()) {
      const id = `relevance-${conversation.id}`;
      let customerWords: string[] = [];
      let pending: object[] = [];
      for (const { event } of conversation.events as { event: Record<string, unknown> }[]) {
        if (event.type === 'TRANSCRIPT_FRAGMENT') {
          const speaker = event.speaker === 'AGENT' ? 'AGENT' : 'CUSTOMER';
          pending.push(fragment(id, String(event.text), speaker));
          if (speaker === 'CUSTOMER') customerWords.push(String(event.text));
        } else if (event.type === 'DIALOG_STATE' && customerWords.length > 0) {
          pending.push(turnEnd(id, String(event.state)));
          outcomes.push({
            call: conversation.id,
            turn: customerWords.join(' '),
            outcome: await customerTurn(id, pending),
          });
          customerWords = [];
          pending = [];
        } else if (event.type !== 'INTERACTION_ENDED') {
          pending.push({ ...event, interactionId: id });
        }
      }
      if (customerWords.length > 0) {
        // A last turn without a dialog state is flushed by the end of the call.
        pending.push(ended(id));
        outcomes.push({
          call: conversation.id,
          turn: customerWords.join(' '),
          outcome: await customerTurn(id, pending),
        });
      } else {
        simulator.send(ended(id));
      }
    }

    const closing = loadConversations().map((conversation) =>
      outcomes.filter((o) => o.call === conversation.id).at(-1)!,
    );
    expect(closing).toHaveLength(10);
    expect(closing.filter(({ outcome }) => 'pushed' in outcome)).toEqual([]);
    // The first turn of each call states the need: most of them get their card.
    const firstTurns = loadConversations().map(
      (conversation) => outcomes.find((o) => o.call === conversation.id)!.outcome,
    );
    expect(firstTurns.filter((outcome) => 'pushed' in outcome).length).toBeGreaterThanOrEqual(7);
  });
});
