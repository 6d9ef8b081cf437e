import { STREAM_PATH } from './agent-stream.js';
import type { StandaloneSettings } from './standalone-settings.js';

export interface SimulatorUrls {
  baseUrl: string;
  tokenUrl: string;
  streamUrl: string;
  /** Real profile: OIDC issuer, API host and Expert site. */
  issuer: string;
}

/**
 * What the standalone simulator prints on start: the service settings for the tutorial protocol, then those
 * for the real CXone profile. The second block is indented by four, not two: tooling (and the e2e tests)
 * read the first block as the lines `  CXONE_*=…`, and the real profile's CXONE_AUTH must not leak into it.
 */
export function connectionBanner(urls: SimulatorUrls, settings: StandaloneSettings): string {
  const play = settings.play
    ? `plays the scripted conversations while a stream client is connected (pause ${settings.playPauseMs} ms, ` +
      `speed ${settings.playSpeed}, agent verdicts ${settings.agentVerdicts ? 'on' : 'off'})`
    : 'plays nothing (SIM_PLAY=false)';
  const realStreamUrl = `${urls.issuer.replace(/^http/, 'ws')}${STREAM_PATH}`;
  return [
    'CXone simulator ready. Configure the service with:',
    `  CXONE_TOKEN_URL=${urls.tokenUrl}`,
    `  CXONE_API_BASE_URL=${urls.baseUrl}`,
    `  CXONE_STREAM_URL=${urls.streamUrl}`,
    `  CXONE_CLIENT_ID=${settings.clientId}`,
    `  CXONE_CLIENT_SECRET=${settings.clientSecret}`,
    `It ${play}; tokens last ${settings.tokenTtlSeconds} s.`,
    'Or, for the real CXone profile (access-key sign-in, API host discovered, CXone Expert search):',
    `    CXONE_AUTH=access-key`,
    `    CXONE_ISSUER=${urls.issuer}`,
    `    CXONE_CLIENT_ID=${settings.clientId}`,
    `    CXONE_CLIENT_SECRET=${settings.clientSecret}`,
    `    CXONE_ACCESS_KEY_ID=${settings.accessKeyId}`,
    `    CXONE_ACCESS_KEY_SECRET=${settings.accessKeySecret}`,
    `    CXONE_STREAM_URL=${realStreamUrl}`,
    `    KB_PROVIDER=expert`,
    `    EXPERT_SITE_URL=${urls.issuer}`,
    `    EXPERT_KEY=${settings.expertKey}`,
    `    EXPERT_SECRET=${settings.expertSecret}`,
    `    EXPERT_USER=${settings.expertUser}`,
    `Its tenant (the id_token's tenantId) is ${settings.tenantId}.`,
  ].join('\n');
}
