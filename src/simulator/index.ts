/**
 * In-repo CXone stand-in on loopback (plain node:http + ws, no Nest), used by the e2e tests
 * and by the service's sandbox mode. `npm run sim` runs it standalone (see main.ts).
 */
export { CxoneSimulator } from './cxone-simulator.js';
export { RECORD_LIMIT } from './bounded-records.js';
export { STREAM_PATH } from './agent-stream.js';
export { CLIENT_CLOSED_REQUEST } from './request-pipeline.js';
export { loadArticles, loadConversations } from './data-files.js';
export type { Falsy } from './timing.js';
export type {
  Conversation,
  Fault,
  HandshakeRecord,
  KbArticle,
  PlayOptions,
  RecordedRequest,
  ScriptStep,
  SimActivity,
  SimActivityListener,
  SimEndpoint,
  SimulatorOptions,
  SimulatorRecords,
} from './simulator-types.js';
