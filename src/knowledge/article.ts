/** One knowledge-base search hit as the CXone knowledge API returns it (untrusted). */
export interface Article {
  id: string;
  title: string;
  body: string;
  url: string;
  score: number;
}
