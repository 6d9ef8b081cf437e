/**
 * One knowledge article as a knowledge source hands it over: already checked and bounded by the source's
 * adapter (whatever the outside system's reply looked like), still untrusted text for the card formatter.
 */
export interface Article {
  /** Unique within the source (an Expert page is `expert-{id}`). */
  id: string;
  title: string;
  /** HTML or plain text; the formatter makes a plain snippet of it. */
  body: string;
  /** Where the agent can read the whole article (checked again by the formatter: http(s) only). */
  url: string;
  /** Relevance between 0 and 1 when the source gives one; hits come in relevance order either way. */
  score?: number;
}
