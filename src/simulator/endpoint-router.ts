import { loadArticles } from './data-files.js';
import type { Answer } from './http-exchange.js';
import { KnowledgeIndex } from './knowledge-index.js';
import { RealCxoneProfile } from './real-profile.js';
import { answer, isTutorialEndpoint, type EndpointRequest } from './rest-endpoints.js';
import type { SimEndpoint, SimulatorOptions } from './simulator-types.js';
import type { TokenRegistry } from './token-registry.js';

export interface EndpointRouter {
  realProfile: RealCxoneProfile;
  answer(endpoint: SimEndpoint, request: EndpointRequest): Answer | Promise<Answer>;
}

/** Both protocols over one article set and one token registry, so either sign-in opens every endpoint. */
export function createEndpointRouter(
  options: SimulatorOptions,
  tokens: TokenRegistry,
  issuer: () => string,
): EndpointRouter {
  const articles = options.articles ?? loadArticles();
  const tutorial = {
    tokens,
    index: new KnowledgeIndex(articles),
    credentials: { clientId: options.clientId, clientSecret: options.clientSecret },
  };
  const realProfile = new RealCxoneProfile({
    ...tutorial,
    articles,
    issuer,
    accessKeys: options.accessKeys,
    tenantId: options.tenantId,
    expert: options.expert,
    agents: options.agents,
  });
  return {
    realProfile,
    answer: (endpoint, request) =>
      isTutorialEndpoint(endpoint) ? answer(endpoint, request, tutorial) : realProfile.answer(endpoint, request),
  };
}
