import type { CxoneSimulator } from './cxone-simulator.js';

/** Credentials the simulator specs start their simulator with. */
export const SPEC_CLIENT_ID = 'spec-client';
export const SPEC_CLIENT_SECRET = 'spec-secret';

/** A valid access token from the simulator's token endpoint, as a client would get one. */
export async function issueSpecToken(simulator: CxoneSimulator): Promise<string> {
  const response = await fetch(simulator.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SPEC_CLIENT_ID,
      client_secret: SPEC_CLIENT_SECRET,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
