/** Where and as whom the service talks to CXone: the configured tenant, or the sandbox simulator. */
export interface CxoneConnection {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  tokenAuth: 'body' | 'basic';
  apiBaseUrl: string;
  streamUrl: string;
}

export const CXONE_CONNECTION = Symbol('CXONE_CONNECTION');

/** The origin and path of a URL, for logs: never its query, which may carry a token or transcript. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
