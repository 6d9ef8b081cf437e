/** Answers kept per verdict (the count of attempts goes on): a verdict retried all day stays small. */
export const MAX_STATUSES_KEPT = 20;

/** One delivery attempt as the simulated training endpoint recorded it. */
export interface FeedbackAttempt {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** What the endpoint answered (0 = connection reset, 499 = the client gave up first). */
  status: number;
}

/** One agent verdict and every attempt the service made to deliver it. */
export interface FeedbackVerdict {
  /** The Idempotency-Key the service sent (the same on every redelivery); else interactionId/insightId/action. */
  key: string;
  interactionId: string;
  insightId: string;
  action: string;
  attempts: number;
  /** Answers to the latest attempts (at most MAX_STATUSES_KEPT), oldest first. */
  statuses: number[];
  lastStatus: number;
  /** Some attempt was answered 2xx: the training endpoint has it. */
  delivered: boolean;
  firstAttemptAt: number;
  lastAttemptAt: number;
}

/** The fields of a recorded feedback post, or undefined when it is not one (no interactionId). */
export function verdictOf(attempt: FeedbackAttempt): FeedbackVerdict | undefined {
  const fields = (typeof attempt.body === 'object' && attempt.body !== null ? attempt.body : {}) as Record<
    string,
    unknown
  >;
  const interactionId = text(fields.interactionId, 128);
  if (!interactionId) return undefined;
  const insightId = text(fields.insightId, 128);
  const action = text(fields.action, 20);
  const header = attempt.headers['idempotency-key'];
  const idempotencyKey = typeof header === 'string' ? header.slice(0, 128) : '';
  return {
    key: idempotencyKey || `${interactionId}/${insightId}/${action}`,
    interactionId,
    insightId,
    action,
    attempts: 0,
    statuses: [],
    lastStatus: attempt.status,
    delivered: false,
    firstAttemptAt: attempt.at,
    lastAttemptAt: attempt.at,
  };
}

/** Counts one more attempt at this verdict. */
export function addAttempt(verdict: FeedbackVerdict, at: number, status: number): void {
  verdict.attempts += 1;
  verdict.statuses.push(status);
  if (verdict.statuses.length > MAX_STATUSES_KEPT) verdict.statuses.shift();
  verdict.lastStatus = status;
  verdict.lastAttemptAt = at;
  verdict.delivered ||= status >= 200 && status < 300;
}

/** Recorded attempts (oldest first) as verdicts, in the order of their first attempt. */
export function groupAttempts(attempts: Iterable<FeedbackAttempt>): FeedbackVerdict[] {
  const verdicts = new Map<string, FeedbackVerdict>();
  for (const attempt of attempts) {
    const fresh = verdictOf(attempt);
    if (!fresh) continue;
    const id = `${fresh.interactionId}\u0000${fresh.key}`;
    const verdict = verdicts.get(id) ?? fresh;
    verdicts.set(id, verdict);
    addAttempt(verdict, attempt.at, attempt.status);
  }
  return [...verdicts.values()];
}

export function copyVerdict(verdict: FeedbackVerdict): FeedbackVerdict {
  return { ...verdict, statuses: [...verdict.statuses] };
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}
