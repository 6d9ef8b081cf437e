import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportedName, knownLabelSets, METRIC_CATALOG, METRIC_PREFIX, OPERATIONS } from './metric-catalog.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** The service's own sources. (Series names and label values at the use sites are checked by tsc.) */
const SOURCES = readdirSync(new URL('src/', ROOT), { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.ts') && !path.endsWith('.spec.ts'))
  .map((path) => ({ path, text: read(`src/${path}`) }));

describe('METRIC_CATALOG', () => {
  it('knows every CXone operation the adapters call', () => {
    const operations = SOURCES.flatMap(({ text }) => [...text.matchAll(/\boperation: '([^']+)'/g)].map(([, op]) => op));
    expect(operations.length).toBeGreaterThanOrEqual(3);
    expect(operations.filter((op) => !(OPERATIONS as readonly string[]).includes(op))).toEqual([]);
  });

  it('is the only source of the series the runbook, the dashboard and the README name', () => {
    const exported = new Set(
      Object.entries(METRIC_CATALOG).flatMap(([name, spec]) => {
        const full = exportedName(name, spec.type);
        return spec.type === 'histogram' ? [full, `${full}_bucket`, `${full}_sum`, `${full}_count`] : [full];
      }),
    );
    const named = (text: string) => [...text.matchAll(/\bagent_assist_[a-z0-9_]+/g)].map(([name]) => name);
    const readme = read('README.md');
    const metricsSection = readme.slice(readme.indexOf('- **Metrics**'), readme.indexOf('- **Dashboard'));
    const readmeSeries = [...metricsSection.matchAll(/`([a-z][a-z0-9_]*[a-z0-9])(?:\{[a-z_,]*\})?`/g)].map(
      ([, name]) => `${METRIC_PREFIX}${name}`,
    );
    const docs = {
      runbook: named(read('docs/runbook.md')),
      dashboard: named(read('docs/grafana-dashboard.json')),
      readme: readmeSeries,
    };
    for (const [doc, names] of Object.entries(docs)) {
      expect(names.length, doc).toBeGreaterThan(10);
      expect(
        names.filter((name) => !exported.has(name)),
        doc,
      ).toEqual([]);
    }
  });
});

describe(knownLabelSets.name, () => {
  it('crosses the known values of every label', () => {
    const spec = { type: 'counter', help: '', labels: { operation: ['a', 'b'], cause: ['x', 'y', 'z'] } } as const;
    expect(knownLabelSets(spec)).toHaveLength(6);
    expect(knownLabelSets(spec)).toContainEqual({ operation: 'b', cause: 'z' });
    expect(knownLabelSets({ type: 'counter', help: '', labels: {} })).toEqual([{}]);
  });
});

describe(exportedName.name, () => {
  it('adds the prefix, and _total to counters only', () => {
    expect(exportedName('cards_pushed', 'counter')).toBe('agent_assist_cards_pushed_total');
    expect(exportedName('feedback_pending', 'gauge')).toBe('agent_assist_feedback_pending');
    expect(exportedName('assist_e2e_latency_seconds', 'histogram')).toBe('agent_assist_assist_e2e_latency_seconds');
  });
});
