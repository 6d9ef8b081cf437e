export enum KnowledgeErrorCode {
  /** 403 from Expert: the server token (or its user) was refused; retrying cannot help. */
  ExpertForbidden = 'KNOWLEDGE_EXPERT_FORBIDDEN',
  /** 401 from Expert: the server token was not accepted; a fresh one would be signed the same way. */
  ExpertUnauthorized = 'KNOWLEDGE_EXPERT_UNAUTHORIZED',
  /** Another 4xx: the request itself was refused. */
  ExpertRejected = 'KNOWLEDGE_EXPERT_REJECTED',
  /** A reply that is not Expert's search JSON: HTML, XML, another shape, or too large. */
  ExpertInvalidReply = 'KNOWLEDGE_EXPERT_INVALID_REPLY',
  /** 429/408/5xx/network, and the retries ran out. */
  ExpertUnavailable = 'KNOWLEDGE_EXPERT_UNAVAILABLE',
}

/** A failed knowledge search. Carries the status and a reason, never the query, a URL or a credential. */
export class KnowledgeException extends Error {
  constructor(
    readonly code: KnowledgeErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'KnowledgeException';
  }
}
