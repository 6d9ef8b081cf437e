import { appendBounded } from './bounded-records.js';
import type { RecordedRequest, SimEndpoint, SimulatorRecords } from './simulator-types.js';

const RECORD_LIST_BY_ENDPOINT = {
  token: 'tokens',
  knowledge: 'searches',
  cards: 'cards',
  feedback: 'feedback',
  discovery: 'discovery',
  jwks: 'jwks',
  'auth-token': 'authTokens',
  'cxone-configuration': 'cxoneConfigurations',
  'expert-query': 'expertQueries',
  authorize: 'authorizations',
  'contacts-active': 'activeContactPolls',
} as const satisfies Record<SimEndpoint, keyof SimulatorRecords>;

export function emptyRecords(): SimulatorRecords {
  return {
    tokens: [],
    searches: [],
    cards: [],
    feedback: [],
    handshakes: [],
    discovery: [],
    jwks: [],
    authTokens: [],
    cxoneConfigurations: [],
    expertQueries: [],
    authorizations: [],
    activeContactPolls: [],
  };
}

/** Appends to the endpoint's list, bounded (tests may hold a reference to the list, so it is never replaced). */
export function recordRequest(records: SimulatorRecords, endpoint: SimEndpoint, request: RecordedRequest): void {
  appendBounded<RecordedRequest>(records[RECORD_LIST_BY_ENDPOINT[endpoint]] as RecordedRequest[], request);
}
