import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** Static runtime imports of a source file (`import type` is erased; `await import()` is not static). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const [, clause, target] of text.matchAll(/^(?:import|export)\s+([^'";]*?)\s*from\s+'([^']+)';/gm)) {
    if (/^type\b/.test(clause)) continue;
    found.push(target);
  }
  for (const [, target] of text.matchAll(/^import\s+'([^']+)';/gm)) found.push(target);
  return found
    .filter((target) => target.startsWith('.'))
    .map((target) => join(dirname(file), target.replace(/\.js$/, '.ts')));
}

/** Every source file main.ts loads at start-up, whatever the mode. */
function productionFiles(): Set<string> {
  const seen = new Set<string>();
  const pending = [join(SRC, 'main.ts')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(...runtimeImports(file));
  }
  return seen;
}

describe('the production path', () => {
  it('never imports the simulator or the sandbox: they load only in sandbox mode, dynamically', () => {
    const files = [...productionFiles()].map((file) => relative(SRC, file));

    expect(files.length).toBeGreaterThan(40); // the walk really follows the imports
    expect(files).toContain('outside-systems.ts');
    expect(files.filter((file) => file.startsWith('simulator/') || file.startsWith('sandbox/'))).toEqual([]);
  });

  it('loads the sandbox from main.ts only through a dynamic import', () => {
    const main = readFileSync(join(SRC, 'main.ts'), 'utf8');
    expect(main).toMatch(/await import\('\.\/sandbox\/sandbox-bootstrap\.js'\)/);
  });
});
