import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { OutgoingMessage } from 'node:http';

/** Shared by the logging specs (a *-spec-kit file: kept out of dist). */

export const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJlLXMzY3IzdA';

/** Every credential `refusedTokenCall()` carries, as it would show in a log line. */
export const AXIOS_SECRETS = ['ZTJlLWNsaWVudDpzM2NyM3QtYmFzaWM', 's3cr3t-form', 'cookie-s1', 'at-in-body', 'eyJhbGci'];

/**
 * A real AxiosError as axios builds it for a refused token call: Basic credentials in the request
 * headers, the client secret in the form body, a cookie and tokens in the response, and an outgoing
 * request (an EventEmitter, like the ClientRequest axios attaches).
 */
export function refusedTokenCall(): AxiosError {
  const config = {
    url: 'https://api.example.com/oauth/token',
    method: 'post',
    headers: new AxiosHeaders({
      Authorization: 'Basic ZTJlLWNsaWVudDpzM2NyM3QtYmFzaWM=',
      'Content-Type': 'application/x-www-form-urlencoded',
    }),
    data: 'grant_type=client_credentials&client_id=e2e&client_secret=s3cr3t-form',
    transformRequest: [(data: unknown) => data],
  } as InternalAxiosRequestConfig;
  const request = new OutgoingMessage();
  const response: AxiosResponse = {
    status: 401,
    statusText: 'Unauthorized',
    headers: new AxiosHeaders({ 'set-cookie': 'sid=cookie-s1; HttpOnly', 'x-request-id': 'req-77' }),
    data: { error: 'invalid_client', access_token: 'at-in-body', id_token: JWT },
    config,
    request,
  };
  return new AxiosError('Request failed with status code 401', 'ERR_BAD_REQUEST', config, request, response);
}
