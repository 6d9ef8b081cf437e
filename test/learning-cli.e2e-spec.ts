import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigService } from '@nestjs/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../src/config/app-config.js';
import { FeedbackDatabase } from '../src/feedback/feedback-database.js';
import { LearnedVerdictsStore } from '../src/feedback/learning/learned-verdicts.store.js';
import { toTerms } from '../src/knowledge/query/terms.js';
import { NpmScript } from './support/npm-script.js';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const CLI = join(DIST, 'feedback/learning/learning-cli.js');

/** A question's terms as the service learns them: its content words' stems, distinct and sorted. */
const question = (text: string) => [...new Set(toTerms(text).stems)].sort();
const OVERDRAFT = question('I was charged an overdraft fee, can you refund it');
const VOICEMAIL = question('I need to reset my voicemail PIN');
const AT = Date.parse('2026-11-24T10:00:00.000Z');

/**
 * The operator's CLI (`npm run learning`, `node dist/feedback/learning/learning-cli.js` in the pod), built,
 * against a store seeded through the service's own store class and held open the whole time, as by a
 * running service.
 */
describe('learning CLI (e2e)', () => {
  let directory: string;
  let database: FeedbackDatabase;
  let service: LearnedVerdictsStore;
  const started: NpmScript[] = [];

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'learning-cli-e2e-'));
    const config = { get: () => ({ storePath: directory }) } as unknown as ConfigService<AppConfig, true>;
    database = new FeedbackDatabase(config);
    service = new LearnedVerdictsStore(database, 1000);
    service.add(OVERDRAFT, 'kb-overdraft-refund', 'ACCEPTED', AT);
    service.add(OVERDRAFT, 'kb-overdraft-refund', 'ACCEPTED', AT + 1000);
    service.add(OVERDRAFT, 'kb-overdraft-refund', 'REJECTED', AT + 2000);
    service.add(OVERDRAFT, 'kb-fee-schedule', 'REJECTED', AT + 3000);
    service.add(VOICEMAIL, 'kb-voicemail-pin', 'ACCEPTED', AT + 4000);
  });

  afterEach(() => {
    database.close();
    for (const npm of started.splice(0)) npm.forceStop();
  });

  const cli = (args: string[], env: Record<string, string> = { FEEDBACK_STORE_PATH: directory }) => {
    const result = spawnSync(process.execPath, [CLI, ...args], {
      cwd: directory,
      env: { PATH: process.env.PATH ?? '', IGNORE_ENV_FILE: 'true', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('lists the learned cases, the most verdicts first, with the words, counts and last update', () => {
    const { code, stdout, stderr } = cli(['list']);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^words\s+article\s+accepted\s+rejected\s+last update$/);
    expect(lines[1]).toMatch(/^charg fee overdraft refund\s+kb-overdraft-refund\s+2\s+1\s+2026-11-24T10:00:02\.000Z$/);
    expect(lines.slice(2, 4).join('\n')).toContain('kb-voicemail-pin');
    expect(lines.slice(2, 4).join('\n')).toContain('kb-fee-schedule');
    expect(lines.at(-1)).toBe('3 of 3 cases shown; 3 learned in all');
  });

  it('lists as JSON, at most --limit cases, with the total that matched', () => {
    const { code, stdout } = cli(['list', '--json', '--limit', '1', '--store', directory], {});

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      total: 3,
      learned: 3,
      cases: [
        {
          words: ['charg', 'fee', 'overdraft', 'refund'],
          articleId: 'kb-overdraft-refund',
          accepted: 2,
          rejected: 1,
          updatedAt: '2026-11-24T10:00:02.000Z',
        },
      ],
    });
  });

  it('finds the cases of a word in another inflection, and those of one article', () => {
    const charges = cli(['list', '--word', 'Charges']);
    expect(charges.code).toBe(0);
    expect(charges.stdout).toContain('kb-overdraft-refund');
    expect(charges.stdout).toContain('kb-fee-schedule');
    expect(charges.stdout).not.toContain('kb-voicemail-pin');
    expect(charges.stdout).toContain('2 of 2 cases matching word "Charges" (charg) shown; 3 learned in all');

    const article = cli(['list', '--article', 'kb-voicemail-pin', '--word', 'voicemails']);
    expect(article.stdout).toContain('pin reset voicemail');
    expect(article.stdout).toContain('1 of 1 case matching article kb-voicemail-pin, word "voicemails"');

    const none = cli(['list', '--article', 'kb-voicemail-pin', '--word', 'overdraft']);
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe(
      '0 of 0 cases matching article kb-voicemail-pin, word "overdraft" (overdraft) shown; 3 learned in all',
    );
  });

  it('refuses to reset without --yes, saying what it would delete, and deletes nothing', () => {
    const refused = cli(['reset', '--word', 'charged']);

    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toBe(
      'learning-cli: would delete 2 cases (word "charged" (charg)); nothing deleted: add --yes to delete',
    );
    expect(service.size).toBe(3);
    expect(service.changedElsewhere()).toBe(false);
  });

  it('resets what the filters select with --yes, then everything; the running service sees the change', () => {
    const one = cli(['reset', '--article', 'kb-fee-schedule', '--yes']);
    expect(one.code).toBe(0);
    expect(one.stdout.trim()).toBe('deleted 1 case (article kb-fee-schedule); 2 left');
    expect(service.changedElsewhere()).toBe(true);
    expect(service.list().map((learned) => learned.articleId)).toEqual(['kb-overdraft-refund', 'kb-voicemail-pin']);

    const all = cli(['reset', '--yes']);
    expect(all.stdout.trim()).toBe('deleted 2 cases (everything learned); 0 left');
    expect(service.size).toBe(0);
    expect(cli(['list']).stdout.trim()).toBe('0 of 0 cases shown; 0 learned in all');
  });

  it('fails with one line and exit code 2 on a bad command line or a missing store, creating nothing', () => {
    const cases: Array<[string[], string]> = [
      [['purge'], 'learning-cli: unknown command "purge", expected list or reset (see --help)'],
      [[], 'learning-cli: no command given, expected list or reset (see --help)'],
      [['list', '--words', 'fee'], 'learning-cli: unknown option --words (see --help)'],
      [['list', '--yes'], 'learning-cli: option --yes does not apply to list (see --help)'],
      [['list', '--limit', 'ten'], 'learning-cli: --limit expects a whole number from 1, not "ten" (see --help)'],
      [['reset', '--word', 'late fee', '--yes'], 'learning-cli: --word takes one word, not "late fee" (see --help)'],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = cli(args);
      expect({ args, code, stdout, stderr }).toEqual({ args, code: 2, stdout: '', stderr: `${message}\n` });
    }

    const missing = join(directory, 'nowhere');
    const { code, stderr } = cli(['list'], { FEEDBACK_STORE_PATH: missing });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `learning-cli: no feedback store at ${join(missing, 'feedback.sqlite3')} (set FEEDBACK_STORE_PATH or --store)\n`,
    );
    expect(existsSync(missing)).toBe(false);
    expect(service.size).toBe(3); // the seeded store was not touched either
  });

  it('loads nothing the container image leaves out (dist/simulator, dist/sandbox): operators run it in the pod', () => {
    const loaded = new Set<string>();
    const pending = [CLI];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (loaded.has(file)) continue;
      loaded.add(file);
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/\bimport\(/);
      for (const [, target] of code.matchAll(/^(?:import|export)\b[^'";]*'(\.[^']+)';/gm)) {
        pending.push(join(dirname(file), target));
      }
    }
    const files = [...loaded].map((file) => relative(DIST, file));
    expect(files).toContain('knowledge/query/terms.js'); // the walk really follows the imports
    expect(files.filter((file) => /^(simulator|sandbox)\//.test(file))).toEqual([]);
  });

  it('runs as `npm run learning`, passing the exit code through', async () => {
    const list = new NpmScript(['run', '--silent', 'learning', '--', 'list', '--json'], {
      FEEDBACK_STORE_PATH: directory,
      IGNORE_ENV_FILE: 'true',
    });
    started.push(list);
    expect(await list.exitCode()).toBe(0);
    expect(JSON.parse(list.logs)).toMatchObject({ total: 3 });

    const refused = new NpmScript(['run', '--silent', 'learning', '--', 'reset'], { FEEDBACK_STORE_PATH: directory });
    started.push(refused);
    expect(await refused.exitCode()).toBe(2);
    expect(refused.logs).toContain('would delete 3 cases (everything learned)');
  });
});
