import type { TenantAgent } from './simulator-types.js';

/** The agents a simulator offers unless told otherwise; the first one gets every unassigned contact. */
export const DEFAULT_AGENTS: readonly TenantAgent[] = Object.freeze([
  Object.freeze({ agentId: '1001', name: 'Demo Agent' }),
  Object.freeze({ agentId: '1002', name: 'Second Agent' }),
]);

/** A frozen copy of the agents option, refused when it could not sign anyone in or is ambiguous. */
export function checkedAgents(agents: readonly TenantAgent[] = DEFAULT_AGENTS): readonly TenantAgent[] {
  if (agents.length === 0) throw new RangeError('agents must name at least one agent');
  const ids = new Set<string>();
  for (const { agentId, name } of agents) {
    if (!agentId || !name) throw new RangeError('every agent needs a non-empty agentId and name');
    if (ids.has(agentId)) throw new RangeError(`agentId ${agentId} is listed twice`);
    ids.add(agentId);
  }
  return Object.freeze(agents.map(({ agentId, name }) => Object.freeze({ agentId, name })));
}
