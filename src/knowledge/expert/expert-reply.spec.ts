import { describe, expect, it } from 'vitest';
import { KnowledgeErrorCode, KnowledgeException } from '../knowledge.exception.js';
import { parseExpertReply } from './expert-reply.js';

const SITE = 'https://help.example.com';

function hit(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    title: `Page ${id}`,
    uri: `${SITE}/@go/page/${id}`,
    'uri.track': `${SITE}/@go/page/${id}?track`,
    rank: '12.5',
    preview: `<p>How to <strong>reset</strong> page ${id}</p>`,
    type: 'page',
    page: { title: `Page title ${id}`, 'uri.ui': `${SITE}/Knowledge/Page_${id}`, path: `Knowledge/Page_${id}` },
    ...overrides,
  };
}

const reply = (result: unknown, count = '0') => JSON.stringify({ '@count': count, '@queryid': '7', result });

function rejectionOf(body: string): KnowledgeException {
  try {
    parseExpertReply(body, 5);
  } catch (error) {
    expect(error).toBeInstanceOf(KnowledgeException);
    return error as KnowledgeException;
  }
  throw new Error('expected a rejection');
}

describe(parseExpertReply.name, () => {
  it('maps one hit given as an object: expert- id, title, HTML preview as body, the page URL, no score', () => {
    expect(parseExpertReply(reply(hit('1001'), '1'), 5)).toEqual([
      {
        id: 'expert-1001',
        title: 'Page 1001',
        body: '<p>How to <strong>reset</strong> page 1001</p>',
        url: `${SITE}/Knowledge/Page_1001`,
      },
    ]);
  });

  it('maps several hits given as an array, in the reply order (not by rank)', () => {
    const hits = [hit('3', { rank: '1' }), hit('1', { rank: '99' }), hit('2', { rank: '50' })];
    expect(parseExpertReply(reply(hits, '3'), 5).map((a) => a.id)).toEqual(['expert-3', 'expert-1', 'expert-2']);
  });

  it('reads "" as no hit', () => {
    expect(parseExpertReply(reply(''), 5)).toEqual([]);
  });

  it('keeps at most max articles', () => {
    const hits = Array.from({ length: 8 }, (_, i) => hit(String(i)));
    expect(parseExpertReply(reply(hits), 3).map((a) => a.id)).toEqual(['expert-0', 'expert-1', 'expert-2']);
  });

  it('takes the page title when the hit has none, and skips hits without an id or any title', () => {
    const hits = [
      hit('1', { title: undefined }),
      hit('2', { title: '  ', page: { title: '' } }),
      hit('3', { id: undefined }),
      hit('4', { id: '' }),
      hit('5', { id: 'has space' }),
      hit('6'),
    ];
    expect(parseExpertReply(reply(hits), 10).map((a) => [a.id, a.title])).toEqual([
      ['expert-1', 'Page title 1'],
      ['expert-6', 'Page 6'],
    ]);
  });

  it('falls back to the hit uri when the page has no usable uri.ui, and to "" without either', () => {
    const hits = [
      hit('1', { page: { title: 't' } }),
      hit('2', { page: { 'uri.ui': 'x'.repeat(3000) } }),
      hit('3', { page: undefined, uri: undefined }),
    ];
    expect(parseExpertReply(reply(hits), 10).map((a) => a.url)).toEqual([
      `${SITE}/@go/page/1`,
      `${SITE}/@go/page/2`,
      '',
    ]);
  });

  it('reads numbers where strings are expected, and the #text of an element with attributes', () => {
    const hits = [
      { id: 1001, title: 404, preview: 7 },
      { id: { '@type': 'page', '#text': '1002' }, title: 'T' },
    ];
    expect(parseExpertReply(reply(hits), 10)).toEqual([
      { id: 'expert-1001', title: '404', body: '7', url: '' },
      { id: 'expert-1002', title: 'T', body: '', url: '' },
    ]);
  });

  it('skips entries that are not objects, and a missing preview is an empty body', () => {
    const hits = [null, 'text', 42, [hit('1')], hit('2', { preview: undefined }), hit('3', { preview: { b: 1 } })];
    expect(parseExpertReply(reply(hits), 10).map((a) => [a.id, a.body])).toEqual([
      ['expert-2', ''],
      ['expert-3', ''],
    ]);
  });

  it('cuts long fields', () => {
    const [article] = parseExpertReply(reply(hit('1', { title: 't'.repeat(5000), preview: 'p'.repeat(50_000) })), 5);
    expect(article.title).toHaveLength(2000);
    expect(article.body).toHaveLength(20_000);
  });

  it('rejects HTML and XML replies as not JSON', () => {
    const html = rejectionOf('<!DOCTYPE html><html><body>Sign in</body></html>');
    expect(html.code).toBe(KnowledgeErrorCode.ExpertInvalidReply);
    expect(html.message).toBe('the reply is HTML or XML, not JSON');
    const xml = rejectionOf('<?xml version="1.0"?><search count="0"></search>');
    expect(xml.message).toBe('the reply is HTML or XML, not JSON');
    expect(rejectionOf('').message).toBe('the reply is not JSON');
  });

  it('rejects JSON that is not a site/query result', () => {
    for (const body of ['null', '[]', '"text"', '{}', '{"result": 5}', '{"result": null}', '{"@status":"500"}']) {
      expect(rejectionOf(body).code, body).toBe(KnowledgeErrorCode.ExpertInvalidReply);
    }
  });
});
