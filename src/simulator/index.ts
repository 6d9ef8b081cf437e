/**
 * In-repo CXone stand-in on loopback (plain node:http + ws, no Nest), used by the e2e tests
 * and by the service's sandbox mode. It speaks the tutorial protocol and a real tenant's (OIDC access-key
 * and agent sign-in, tenant discovery, CXone Expert search, active contacts) at once. `npm run sim` runs it standalone (see main.ts).
 */
export { CxoneSimulator } from './cxone-simulator.js';
export { RECORD_LIMIT } from './bounded-records.js';
export { STREAM_PATH } from './agent-stream.js';
export { CLIENT_CLOSED_REQUEST } from './request-pipeline.js';
export { loadArticles, loadConversations } from './data-files.js';
export { DEFAULT_ACCESS_KEY, DEFAULT_EXPERT, DEFAULT_TENANT_ID } from './real-profile.js';
export { DEKI_TOKEN_MAX_SKEW_SECONDS } from './deki-token.js';
export { DEFAULT_AGENTS } from './tenant-agents.js';
export { AUTHORIZE_PATH } from './sign-in-page.js';
export { DEFAULT_AUTHORIZATION_CODE_TTL_SECONDS } from './authorization-codes.js';
export { ACTIVE_CONTACTS_PATH, ACTIVE_CONTACTS_PATH_PATTERN } from './active-contacts-endpoint.js';
export { DISCONNECTED_RETENTION_MS } from './active-contacts.js';
export { MASKED } from './request-records.js';
export type { Falsy } from './timing.js';
export type { ExpertHit, ExpertResult, ExpertSearch } from './expert-results.js';
export type { PublicJwk } from './signing-keys.js';
export type {
  AccessKey,
  ActiveContact,
  Conversation,
  ExpertCredentials,
  Fault,
  HandshakeRecord,
  IdTokenTampering,
  KbArticle,
  PlayOptions,
  RealProfileEndpoint,
  RecordedRequest,
  ScriptStep,
  SimActivity,
  SimActivityListener,
  SimEndpoint,
  SimulatorOptions,
  SimulatorRecords,
  TenantAgent,
  TutorialEndpoint,
} from './simulator-types.js';
