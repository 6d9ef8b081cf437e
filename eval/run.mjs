#!/usr/bin/env node
// `npm run eval` (builds first): plays the labelled set (eval/relevance-set.json) to the built service, as a
// separate process, through the in-repo CXone simulator, prints the relevance figures against their targets
// and rewrites the generated block of docs/relevance.md. A measurement: it exits 0 whatever the figures.
//
//   node eval/run.mjs [--only first|learning] [--verbose] [--no-report] [--json results.json] [--env NAME=VALUE]
//                     [--concurrency 8] [--settle-ms 1500] [--quiet-ms 500]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hasRelevantCard, passFigures, turnOutcomes } from './lib/figures.mjs';
import { playCases, trainingFeedbackWatch, verdictAgent } from './lib/player.mjs';
import { describeSet, loadRelevanceSet, measuredCases, trainingCases } from './lib/relevance-set.mjs';
import { printReport, writeReport } from './lib/report.mjs';
import { CLIENT_ID, CLIENT_SECRET, ServiceProcess, snapshotDist } from './lib/service.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'no-report': { type: 'boolean', default: false },
    json: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'settle-ms': { type: 'string', default: '1500' },
    'quiet-ms': { type: 'string', default: '500' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
if (args.only !== undefined && !['first', 'learning'].includes(args.only)) {
  console.error('--only takes first or learning');
  process.exit(2);
}
const settings = {
  concurrency: Number(args.concurrency),
  settleMs: Number(args['settle-ms']),
  quietMs: Number(args['quiet-ms']),
};
const bad = Object.entries(settings).filter(([, value]) => !Number.isInteger(value) || value < 1);
if (bad.length > 0) {
  console.error(`not a positive whole number: ${bad.map(([name]) => name).join(', ')}`);
  process.exit(2);
}
// Short silence flush so a turn never waits on it (TURN_END flushes first); every other setting, the
// knowledge ones included, is the service's default: the figures are those of the service as shipped.
// `--env NAME=VALUE` (repeatable) changes one setting for a what-if run; the doc is then left as it was.
const overrides = Object.fromEntries(args.env.map((pair) => [pair.split('=')[0], pair.slice(pair.indexOf('=') + 1)]));
if (args.env.some((pair) => !/^[A-Z][A-Z0-9_]*=/.test(pair))) {
  console.error('--env takes NAME=VALUE');
  process.exit(2);
}
const SERVICE_ENV = { BUFFER_SILENCE_MS: '600', ...overrides };
const VERDICTS_DELIVERED_WITHIN_MS = 30_000;

const snapshot = snapshotDist();
// The service child gets the same Ctrl-C from the terminal; only the copy of dist/ would be left behind.
process.once('SIGINT', () => {
  snapshot.remove();
  process.exit(130);
});
try {
  const { CxoneSimulator, loadArticles } = await snapshot.simulatorModule();
  const set = loadRelevanceSet(loadArticles().map((article) => article.id));
  const measured = measuredCases(set);
  const size = describeSet(set);
  const results = {
    command: `node eval/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    settings,
    setSummary:
      `${size.needyTest} test needs alone (${size.needyTrain} more for training), ${size.smallTalk} small talk alone, ` +
      `${size.calls} calls of ${size.callTurns} turns (${size.callNeedy} needs, ${size.callFollowUps} follow-ups, ` +
      `${size.callSmallTalk} small talk)`,
  };

  /** A fresh simulator and a fresh service (fresh feedback store) for one phase. */
  const withFreshService = async (work) => {
    const simulator = new CxoneSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    await simulator.start();
    const service = new ServiceProcess(snapshot.main, simulator, SERVICE_ENV);
    try {
      await service.start();
      return await work(simulator);
    } finally {
      await service.stop();
      await simulator.stop();
    }
  };

  if (args.only !== 'learning') {
    process.stdout.write(`first hearing: ${measured.length} interactions... `);
    results.first = await withFreshService(async (simulator) =>
      passFigures(await playCases(simulator, measured, { phase: 'first', ...settings })),
    );
    console.log('done');
  }

  if (args.only !== 'first') {
    const training = trainingCases(set);
    process.stdout.write(
      `learning: ${training.length} training calls with verdicts, then ${measured.length} again, ` +
        `then ${measured.length} with verdicts and once more... `,
    );
    await withFreshService(async (simulator) => {
      const agent = verdictAgent(simulator);
      const watch = trainingFeedbackWatch(simulator);
      const trained = await playCases(simulator, training, { phase: 'train', ...settings, onSettled: agent.onSettled });
      const feedback = await watch.waitFor(agent.sent, VERDICTS_DELIVERED_WITHIN_MS);
      results.training = {
        cases: training.length,
        verdicts: feedback.sent,
        accepted: [...agent.sent.values()].filter(Boolean).length,
        delivered: feedback.delivered,
        withRelevantCard: turnOutcomes(trained).filter(hasRelevantCard).length,
      };
      results.learning = passFigures(await playCases(simulator, measured, { phase: 'after', ...settings }));
      // The same questions in later calls: agents judged the cards of one hearing, the next is measured.
      const judged = verdictAgent(simulator);
      const judgedWatch = trainingFeedbackWatch(simulator);
      await playCases(simulator, measured, { phase: 'judged', ...settings, onSettled: judged.onSettled });
      await judgedWatch.waitFor(judged.sent, VERDICTS_DELIVERED_WITHIN_MS);
      results.repeated = passFigures(await playCases(simulator, measured, { phase: 'again', ...settings }));
    });
    console.log('done');
  }

  printReport(results, { verbose: args.verbose });
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
  if (args['no-report']) {
    // nothing written
  } else if (args.env.length > 0) {
    console.log(
      'docs/relevance.md left as it was: settings changed with --env are a what-if, not the service as shipped',
    );
  } else if (args.only) {
    console.log('docs/relevance.md left as it was: a partial run (--only) does not replace the figures');
  } else if (writeReport(results)) {
    console.log('wrote docs/relevance.md');
  } else {
    console.log('docs/relevance.md has no generated block (eval:begin/eval:end markers): not written');
  }
} catch (error) {
  console.error(`\neval failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  snapshot.remove();
}
