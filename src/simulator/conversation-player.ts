import type { Conversation, PlayOptions } from './simulator-types.js';
import { sleep } from './timing.js';

/**
 * Sends a script's events with its delays (divided by `speed`). Events keep their own
 * interactionId; the others get the option's, else the conversation id. Stops quietly
 * when `signal` aborts.
 */
export async function playConversation(
  script: Conversation,
  options: PlayOptions,
  send: (event: object) => number,
  signal: AbortSignal,
): Promise<void> {
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be > 0, got ${speed}`);
  const interactionId = options.interactionId ?? script.id;
  for (const step of script.events) {
    if (!(await sleep(step.delayMs / speed, signal))) return;
    send({ interactionId, ...step.event });
  }
}
