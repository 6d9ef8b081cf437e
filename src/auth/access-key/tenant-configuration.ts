import { AuthErrorCode, AuthException } from '../auth.exception.js';
import { hostOf, objectOf, trustedUrl } from './issuer-http.js';
import { withoutTrailingSlash } from './oidc-discovery.js';

export const TENANT_CONFIGURATION_PATH = '/.well-known/cxone-configuration';

/**
 * The tenant's REST API base URL (no trailing slash) from its cxone-configuration document. The token
 * goes there with every call, so only https (or loopback) is accepted. Throws TenantConfigurationInvalid.
 */
export function parseTenantConfiguration(data: unknown, tenantId: string, configuredIssuer: string): string {
  const host = hostOf(configuredIssuer);
  const invalid = (problem: string) =>
    new AuthException(
      AuthErrorCode.TenantConfigurationInvalid,
      `cxone-configuration of tenant ${tenantId} at ${host} ${problem}`,
    );
  const document = objectOf(data);
  if (!document) throw invalid('is not a JSON object');
  if (document.tenantId !== undefined && document.tenantId !== tenantId) {
    throw invalid('describes another tenant');
  }
  const apiEndpoint = trustedUrl(document.api_endpoint, configuredIssuer);
  if (!apiEndpoint) throw invalid('has no usable api_endpoint (expected an absolute https URL)');
  if (apiEndpoint.search || apiEndpoint.hash) throw invalid('has an api_endpoint with a query or fragment');
  return withoutTrailingSlash(apiEndpoint.href);
}
