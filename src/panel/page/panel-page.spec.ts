import { describe, expect, it } from 'vitest';
import { panelPageHtml } from './panel-page.js';
import { PANEL_STYLE } from './panel-style.js';

const html = panelPageHtml({ contactParam: 'contactId', parentOrigins: ['https://*.niceincontact.com'] });

/** An attribute's value as the browser reads it (the five entities the page writes). */
function decode(value: string): string {
  return value.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!,
  );
}
const bodyAttribute = (page: string, name: string) =>
  decode(page.match(new RegExp(`<body[^>]* ${name}="([^"]*)"`))![1]);

describe(panelPageHtml.name, () => {
  it('has no inline script, inline style or event handler attribute (its CSP allows none)', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => attributes.trim())).toEqual(['src="/agent/panel.js" defer']);
    expect(scripts.every(([, , content]) => content === '')).toBe(true);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
  });

  it('loads only same-origin paths (and a data: icon)', () => {
    const references = [...html.matchAll(/\s(?:src|href|action)="([^"]*)"/g)].map(([, url]) => url);
    expect(references.sort()).toEqual(['/agent/panel.css', '/agent/panel.js', 'data:,']);
  });

  it('passes its options as HTML-escaped data- attributes on <body>', () => {
    const hostile = {
      contactParam: 'c"><script>alert(1)</script>',
      parentOrigins: ['https://a.com"><img src=x>', "it's&<b>"],
    };
    const page = panelPageHtml(hostile);
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page.match(/<body[^>]*>/)![0]).toMatch(
      /^<body data-contact-param="[^"<>]*" data-parent-origins="[^"<>]*">$/,
    );
    expect(bodyAttribute(page, 'data-contact-param')).toBe(hostile.contactParam);
    expect(JSON.parse(bodyAttribute(page, 'data-parent-origins'))).toEqual(hostile.parentOrigins);
    expect(JSON.parse(bodyAttribute(html, 'data-parent-origins'))).toEqual(['https://*.niceincontact.com']);
  });

  it('has the hooks the script and the browser tests use', () => {
    for (const hook of ['agent', 'status', 'sign-in', 'quiet']) expect(html).toContain(`data-testid="${hook}"`);
    for (const id of ['agent', 'sign-out', 'sign-in', 'status', 'quiet', 'cards']) expect(html).toContain(`id="${id}"`);
  });
});

describe('PANEL_STYLE', () => {
  it('loads nothing from elsewhere and keeps [hidden] hidden whatever the display rules', () => {
    expect(PANEL_STYLE).not.toMatch(/@import|url\(/);
    expect(PANEL_STYLE).toContain('[hidden] { display:none !important; }');
    expect(PANEL_STYLE).toMatch(/:focus-visible \{ outline:/);
  });
});
