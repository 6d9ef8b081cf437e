import { describe, expect, it } from 'vitest';
import { previewHtml, toXml } from './expert-results.js';

describe(previewHtml.name, () => {
  it('cuts a long body at a word boundary, under 240 characters', () => {
    const preview = previewHtml(`<p>${'word '.repeat(100)}</p>`, 'nothing');

    expect(preview).toMatch(/^<p>(word ){47}word\.\.\.<\/p>$/);
  });

  it('escapes markup in the text and takes regex characters in the query literally', () => {
    const preview = previewHtml('<p>Use 1 &lt;b&gt; (c++) tag.*</p>', 'tag.* (c++ <b>');

    expect(preview).toBe('<p>Use 1 &lt;b&gt; (c++) <strong>tag</strong>.*</p>');
  });

  it('marks words of the text, never the inside of the entities it escapes', () => {
    const preview = previewHtml('<p>Fish &amp; "chips" for quot and amp fans</p>', 'amp quot');

    expect(preview).toBe('<p>Fish &amp; &quot;chips&quot; for <strong>quot</strong> and <strong>amp</strong> fans</p>');
  });
});

describe(toXml.name, () => {
  it('turns @ keys into attributes, arrays into repeated elements and leaves out an empty result', () => {
    expect(toXml('search', { '@count': '2', result: [{ id: '1' }, { id: '2&3' }] })).toBe(
      '<?xml version="1.0" encoding="utf-8"?><search count="2"><result><id>1</id></result><result><id>2&amp;3</id></result></search>',
    );
    expect(toXml('search', { '@count': '0', result: '' })).toBe(
      '<?xml version="1.0" encoding="utf-8"?><search count="0"></search>',
    );
  });
});
