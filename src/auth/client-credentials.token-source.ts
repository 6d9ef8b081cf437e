import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import type { AppConfig } from '../config/app-config.js';
import { AuthErrorCode, AuthException } from './auth.exception.js';
import type { IssuedToken, TokenSource } from './token-source.js';

const MAX_TOKEN_CHARS = 16 * 1024;

/** The tutorial's sign-in: an OAuth client-credentials call to CXONE_TOKEN_URL, and nothing else. */
@Injectable()
export class ClientCredentialsTokenSource implements TokenSource {
  private readonly cxone: AppConfig['cxone'];

  constructor(
    private readonly http: HttpService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.cxone = config.get('cxone', { infer: true });
  }

  get endpoint(): string {
    return endpointName(this.cxone.tokenUrl);
  }

  async requestToken(): Promise<IssuedToken> {
    const { clientId, clientSecret, tokenUrl, tokenAuth } = this.cxone;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (tokenAuth === 'basic') {
      const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    try {
      const reply = await firstValueFrom(this.http.post<unknown>(tokenUrl, form.toString(), { headers }));
      return parseTokenReply(reply.data, endpointName(tokenUrl));
    } catch (error) {
      throw toAuthException(error, endpointName(tokenUrl));
    }
  }
}

/** The token endpoint as operators know it, for messages: host only, never a query or credentials. */
export function endpointName(tokenUrl: string): string {
  try {
    return new URL(tokenUrl).host;
  } catch {
    return 'unknown-host';
  }
}

function parseTokenReply(data: unknown, endpoint: string): IssuedToken {
  const reply = (data ?? {}) as { access_token?: unknown; expires_in?: unknown };
  const expiresIn = Number(reply.expires_in);
  if (
    typeof reply.access_token !== 'string' ||
    reply.access_token.length === 0 ||
    reply.access_token.length > MAX_TOKEN_CHARS ||
    !Number.isFinite(expiresIn) ||
    expiresIn <= 0
  ) {
    throw new AuthException(
      AuthErrorCode.InvalidTokenReply,
      `token endpoint ${endpoint} replied without a usable access_token/expires_in`,
    );
  }
  return { accessToken: reply.access_token, expiresInSeconds: expiresIn };
}

function toAuthException(error: unknown, endpoint: string): AuthException {
  if (error instanceof AuthException) return error;
  if (isAxiosError(error)) {
    const status = error.response?.status;
    if (status === 400 || status === 401 || status === 403) {
      return new AuthException(
        AuthErrorCode.InvalidCredentials,
        `token endpoint ${endpoint} refused the client credentials (HTTP ${status})`,
        status,
      );
    }
    const cause = status ? `HTTP ${status}` : (error.code ?? 'network error');
    return new AuthException(
      AuthErrorCode.TokenEndpointUnavailable,
      `token endpoint ${endpoint} unavailable (${cause})`,
      status,
    );
  }
  return new AuthException(AuthErrorCode.TokenEndpointUnavailable, `token endpoint ${endpoint} unavailable`);
}
