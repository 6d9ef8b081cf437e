import type { SimActivity } from './simulator-types.js';

const CARDS_ACCEPTED = 201;
const FEEDBACK_RECORDED = 200;
const SIGNED_IN = 302;

/**
 * The line the standalone simulator logs for an activity, or undefined for the ones it keeps quiet
 * about (transcript fragments, tokens, searches). Bodies come from the client, so nothing is trusted.
 */
export function describeActivity(activity: SimActivity): string | undefined {
  if (activity.kind === 'stream') return describeVerdictSent(activity.event);
  const { endpoint, request } = activity;
  const body = asRecord(request.body);
  const interactionId = text(body.interactionId) ?? '(no interactionId)';
  if (endpoint === 'cards') {
    const titles = Array.isArray(body.insights) ? body.insights.map((card) => text(asRecord(card).title) ?? '?') : [];
    return `cards for ${interactionId}: ${titles.join(' | ')}${answered(request.status, CARDS_ACCEPTED)}`;
  }
  if (endpoint === 'feedback') {
    const verdict = `${text(body.action) ?? '?'} ${text(body.insightId) ?? '?'}`;
    return `training feedback for ${interactionId}: ${verdict}${answered(request.status, FEEDBACK_RECORDED)}`;
  }
  if (endpoint === 'authorize' && request.method === 'POST') {
    return `agent sign-in as ${text(body.agent_id) ?? '?'}${answered(request.status, SIGNED_IN)}`;
  }
  return undefined;
}

function describeVerdictSent(event: object | string): string | undefined {
  if (typeof event === 'string') return undefined;
  const { type, interactionId, insightId } = event as Record<string, unknown>;
  if (type !== 'INSIGHT_ACCEPTED' && type !== 'INSIGHT_REJECTED') return undefined;
  return `agent verdict for ${text(interactionId)}: ${type} ${text(insightId)}`;
}

function answered(status: number, expected: number): string {
  return status === expected ? '' : ` (answered ${status})`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** A client-sent string, on one line. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/[\r\n]+/g, ' ') : undefined;
}
