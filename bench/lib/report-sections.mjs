// Sections of docs/benchmarks.md for the comparison with the plain-Node reference and the agent panels.

/** Target rows: the service beside the reference, per turn shape. */
export function compareTargets(results, f, verdict) {
  const out = [];
  for (const c of Object.values(results.compare ?? {})) {
    const { service: sv, reference: rf, ratios } = c;
    const shape = c.shape === 'silence' ? 'silence first' : 'TURN_END soon after speech';
    out.push(
      `| ${c.conversations} conversations, ${shape}: p99 ≤ 1.5× the plain-Node reference's | ${f(sv.p99)} ms vs ${f(rf.p99)} ms (${f(ratios.p99, 2)}×) | ${verdict(ratios.p99 <= 1.5)} |`,
      `| ${c.conversations} conversations, ${shape}: no turn lost | ${sv.lost} of ${sv.turns} (reference ${rf.lost} of ${rf.turns}) | ${verdict(sv.lost === 0)} |`,
      `| ${c.conversations} conversations, ${shape}: service CPU per 1,000 events ≤ the reference's | ${f(sv.serviceCpuMsPer1kEvents, 1)} ms vs ${f(rf.serviceCpuMsPer1kEvents, 1)} ms (${f(ratios.cpu, 2)}×) | ${verdict(ratios.cpu <= 1)} |`,
      `| ${c.conversations} conversations, ${shape}: peak RSS ≤ 1.5× the reference's | ${f(sv.peakRssMb)} MB vs ${f(rf.peakRssMb)} MB (${f(ratios.rss, 2)}×) | ${verdict(ratios.rss <= 1.5)} |`,
    );
  }
  return out;
}

/** The side-by-side table. */
export function compareSection(results, f) {
  const out = [];
  if (results.compare) {
    out.push('## Beside the plain-Node reference', '');
    out.push(
      '`bench/reference/plain-node-assist.mjs` implements the same contract in ~200 lines of ws + fetch, with what',
      'matters for cost: per-interaction buffers (silence, turn end, maximum), PII redaction, no card twice per call,',
      'latest-wins searches. It runs as its own process under the same load, right after the service (`--mode compare`).',
      'Two turn shapes: *TURN_END soon after speech* (as above) and *silence first* (the customer pauses 4 s, longer than',
      '`BUFFER_SILENCE_MS`, before `TURN_END`; latency is counted from the silence deadline, when the flush became due).',
      '',
      '| shape | conversations | implementation | turns | lost | p50 ms | p95 ms | p99 ms | CPU ms / 1k events | peak RSS MB |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const c of Object.values(results.compare)) {
      for (const impl of ['service', 'reference']) {
        const r = c[impl];
        out.push(
          `| ${c.shape} | ${c.conversations} | ${impl} | ${r.turns} | ${r.lost} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${f(r.serviceCpuMsPer1kEvents, 1)} | ${f(r.peakRssMb)} |`,
        );
      }
    }
    out.push('');
  }

  return out;
}

/** Memory and CPU per open agent panel. */
export function panelsSection(results, f) {
  const out = [];
  if (results.panels) {
    const p = results.panels;
    out.push('## Agent panels', '');
    out.push(
      `${p.panels} agent panels open at once (server-sent events, ${p.panels / p.contacts} per contact over ${p.contacts} contacts), one signed-in agent.`,
      `RSS ${f(p.rssMb[0])} MB before opening them, ${f(p.rssMb[1])} MB with them open: **${f(p.kbPerPanel, 1)} KB per open panel**.`,
      `A round of one turn per contact cost ${f(p.turnCpuMsWithout, 2)} ms of service CPU per turn with no panel open and ${f(p.turnCpuMsWith, 2)} ms with`,
      `${p.panels / p.contacts} panels on each contact: **${f(p.cpuMsPerPanelEvent * 1000, 0)} µs of CPU per card event delivered to a panel**`,
      `(${p.delivered} of ${p.expectedDeliveries} panels got their cards).`,
      '',
    );
  }

  return out;
}
