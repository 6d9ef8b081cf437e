import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  catalogSpec,
  exportedName,
  knownLabelSets,
  METRIC_CATALOG,
  METRIC_PREFIX,
  type MetricType,
  OPERATIONS,
} from './metric-catalog.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** The service's own sources (specs left out: they count made-up series on purpose). */
const SOURCES = readdirSync(new URL('src/', ROOT), { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.ts') && !path.endsWith('.spec.ts'))
  .map((path) => ({ path, text: read(`src/${path}`) }));

const TYPE_OF_CALL: Record<string, MetricType> = { increment: 'counter', observe: 'histogram', registerGauge: 'gauge' };

interface UseSite {
  where: string;
  type: MetricType;
  name: string;
  /** Label name → the literal value, or undefined where the code fills it in (`${...}`). */
  labels: Record<string, string | undefined>;
}

/** Every `.increment('…')`, `.observe(\`…\`)` and `.registerGauge('…'` with a literal series in src. */
function useSites(): UseSite[] {
  const call = /\.(increment|observe|registerGauge)\(\s*(?:'([^']*)'|`([^`]*)`)/g;
  return SOURCES.flatMap(({ path, text }) =>
    [...text.matchAll(call)].map(([, method, quoted, template]) => {
      const series = quoted ?? template;
      const labels = Object.fromEntries(
        [...series.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [
          key,
          value.includes('${') ? undefined : value,
        ]),
      );
      return { where: `${path}: ${series}`, type: TYPE_OF_CALL[method], name: /^[\w:]+/.exec(series)![0], labels };
    }),
  );
}

describe('METRIC_CATALOG', () => {
  const sites = useSites();

  it('finds the use sites it checks', () => {
    expect(sites.length).toBeGreaterThan(30);
    expect(sites.map((site) => site.name)).toEqual(
      expect.arrayContaining(['feedback_dead_letters', 'cxone_request_duration_seconds', 'stream_state']),
    );
  });

  it('lists every series the code counts, observes or gauges, with its type and label names', () => {
    const drift = sites.flatMap((site) => {
      const spec = catalogSpec(site.name, site.type);
      if (!spec) return [`${site.where}: no ${site.type} ${site.name} in the catalog`];
      const expected = Object.keys(spec.labels).sort();
      const used = Object.keys(site.labels).sort();
      if (site.type === 'gauge' || used.join() === expected.join()) return [];
      return [`${site.where}: labels ${used.join()} instead of ${expected.join()}`];
    });
    expect(drift).toEqual([]);
  });

  it('knows every label value the code writes literally', () => {
    const unknown = sites.flatMap((site) => {
      const spec = catalogSpec(site.name, site.type);
      return Object.entries(site.labels)
        .filter(([key, value]) => value !== undefined && !spec?.labels[key]?.includes(value))
        .map(([key, value]) => `${site.where}: ${key}="${value}"`);
    });
    expect(unknown).toEqual([]);
  });

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
