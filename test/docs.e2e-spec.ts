import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCEPTED_VARIABLES } from '../src/config/environment.variables.js';
import { SIM_VARIABLES } from '../src/simulator/standalone-settings.js';
import { AppProcess, sleep } from './support/app-process.js';

/** The README and docs/ stand on their own in a plain clone, and agree with the code. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const CONTRACT = readFileSync(join(ROOT, 'docs/contract.md'), 'utf8');
const MARKDOWN = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** `## Title` → that section's text, for every second-level section. */
function sections(markdown: string): Map<string, string> {
  return new Map(
    markdown
      .split(/^## /m)
      .slice(1)
      .map((part) => [part.split('\n')[0], part]),
  );
}

/** Backticked upper-case names in the first column of a section's `| variable |` table. */
function tableVariables(section: string): string[] {
  if (!section.includes('\n| variable |')) return [];
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]));
}

describe('docs (e2e)', () => {
  it('refers to nothing outside the repository, and every relative link exists', () => {
    for (const file of MARKDOWN) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text.match(/\.\.\/[\w.-]+/g), `${file} points outside the repository`).toBeNull();
      const base = join(ROOT, file, '..');
      for (const [, target] of text.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)) {
        expect(existsSync(join(base, target)), `${file} links to ${target}`).toBe(true);
      }
    }
    expect(README).toContain('[docs/contract.md](docs/contract.md)');
  });

  it('lists in the contract only variables the service accepts, and marks the rest planned', () => {
    const accepted = new Set(ACCEPTED_VARIABLES);
    let implemented = 0;
    for (const [title, text] of sections(CONTRACT)) {
      const names = tableVariables(text);
      const planned = title.includes('(planned)');
      const wrong = names.filter((name) => accepted.has(name) === planned);
      expect(wrong, planned ? `${title}: now accepted, no longer planned` : `${title}: not accepted`).toEqual([]);
      if (!planned) implemented += names.length;
    }
    expect(implemented).toBeGreaterThanOrEqual(15);
  });

  it("documents exactly the simulator's SIM_* settings", () => {
    const simulatorSection = sections(README).get('Simulator alone and docker compose') ?? '';
    expect(tableVariables(simulatorSection).sort()).toEqual([...SIM_VARIABLES].sort());
  });

  describe('the sandbox', () => {
    let app: AppProcess | undefined;
    afterAll(async () => expect(await app?.stop()).toBe(0));

    it("logs the README's sample line", async () => {
      const [, sample] = /`(Agent desktop received cards for [^`]+)`/.exec(README) ?? [];
      expect(sample, 'README sample line').toBeDefined();
      app = await new AppProcess({ NODE_ENV: 'development', SANDBOX_DEMO: 'true', LOG_LEVEL: 'info' }).start();
      for (const deadline = Date.now() + 40_000; !app.logs.includes(sample) && Date.now() < deadline;) {
        if (app.logs.includes('Agent desktop received cards for demo-1-conv-card-dispute')) break; // too late
        await sleep(100);
      }
      expect(app.logs).toContain(sample);
    });
  });
});
