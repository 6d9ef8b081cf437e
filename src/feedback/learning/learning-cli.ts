import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { ConfigService } from '@nestjs/config';
import Database from 'better-sqlite3';
import type { AppConfig } from '../../config/app-config.js';
import { DEFAULT_CLUSTER_NAME, natsServers } from '../../config/cluster-config.js';
import { envFilePaths } from '../../config/load-configuration.js';
import { toTerms } from '../../knowledge/query/terms.js';
import { publishReset } from '../../cluster/publish-reset.js';
import { FEEDBACK_DATABASE_FILE, FeedbackDatabase } from '../feedback-database.js';
import { FeedbackException } from '../feedback.exception.js';
import { type CaseFilter, LearnedVerdictsStore, type StoredCase } from './learned-verdicts.store.js';

/**
 * The operator's view of what the service learned from agents' verdicts, and the way to forget it:
 * `npm run learning -- list|reset …`, or `node dist/feedback/learning/learning-cli.js …` in the pod. It
 * opens the same feedback database as the service (FEEDBACK_STORE_PATH), also while the service runs: a
 * reset takes effect at the service's next search or verdict. In cluster mode (NATS_URL set) a reset goes
 * into the cluster's log of lessons instead, and every replica applies it (docs/cluster.md).
 */

const USAGE = `Usage: learning-cli <command> [options]

  list  [--article ID] [--word WORD] [--limit N] [--json]   the cases with the most verdicts first
  reset [--article ID] [--word WORD] --yes                   forget them (all, or those the filters select)

  --article ID   only the cases of this article (its insightId)
  --word WORD    only the questions with this word, in any inflection ("charges" finds "charged")
  --limit N      list at most N cases (default 20)
  --json         list as JSON
  --yes          reset for real; without it, reset only says what it would delete
  --store DIR    the feedback store directory (default: FEEDBACK_STORE_PATH, else ./data)

In cluster mode (NATS_URL set, CLUSTER_NAME), reset --yes logs the reset for every replica instead.

Exit codes: 0 done, 2 bad usage, a missing store, a reset without --yes or NATS unreachable.`;

const DEFAULT_LIMIT = 20;
/** The CLI never adds a case, so the store's bound never applies here. */
const NO_BOUND = Number.MAX_SAFE_INTEGER;

const OPTIONS = {
  article: { type: 'string' },
  word: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  yes: { type: 'boolean' },
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  list: ['article', 'word', 'limit', 'json', 'store'],
  reset: ['article', 'word', 'yes', 'store'],
};

type Options = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

interface Command {
  name: 'list' | 'reset' | 'help';
  filter: CaseFilter;
  /** How the filter reads to a person: `article kb-1, word "charges" (charg)`. */
  described: string;
  limit: number;
  json: boolean;
  yes: boolean;
  storePath: string;
  /** Cluster mode: a reset is the cluster's, through NATS. */
  cluster?: ClusterTarget;
}

interface ClusterTarget {
  servers: string[];
  name: string;
}

type Parsed = { ok: true; command: Command } | { ok: false; message: string };

/** Exit code and what to print: the whole behaviour, kept apart from the process it runs in. */
interface Outcome {
  code: 0 | 2;
  stdout?: string;
  stderr?: string;
}

function parseCommand(args: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  let values: Options;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    return { ok: false, message: argumentProblem(error as Error & { code?: string }) };
  }
  const [name, ...extra] = positionals;
  if (values.help || name === 'help') return { ok: true, command: { ...blank(), name: 'help' } };
  if (name === undefined) return { ok: false, message: 'no command given, expected list or reset' };
  if (name !== 'list' && name !== 'reset') {
    return { ok: false, message: `unknown command "${name}", expected list or reset` };
  }
  if (extra.length > 0) return { ok: false, message: `unexpected argument "${extra[0]}"` };
  const misplaced = Object.keys(values).find((option) => !ALLOWED[name].includes(option));
  if (misplaced) return { ok: false, message: `option --${misplaced} does not apply to ${name}` };

  const filter: CaseFilter = {};
  const described: string[] = [];
  if (values.article !== undefined) {
    if (values.article.trim() === '') return { ok: false, message: '--article needs an article id' };
    filter.articleId = values.article;
    described.push(`article ${values.article}`);
  }
  if (values.word !== undefined) {
    const stems = toTerms(values.word).stems;
    if (stems.length !== 1) {
      return {
        ok: false,
        message:
          stems.length === 0
            ? `--word "${values.word}" is not a word the service learns from: too common, a number or one letter`
            : `--word takes one word, not "${values.word}"`,
      };
    }
    filter.term = stems[0];
    described.push(`word "${values.word}" (${stems[0]})`);
  }
  let limit = DEFAULT_LIMIT;
  if (values.limit !== undefined) {
    limit = /^\d{1,7}$/.test(values.limit) ? Number(values.limit) : 0;
    if (limit < 1) return { ok: false, message: `--limit expects a whole number from 1, not "${values.limit}"` };
  }
  const storePath = values.store ?? setting(env, 'FEEDBACK_STORE_PATH') ?? './data';
  const servers = natsServers(setting(env, 'NATS_URL'));
  if (storePath.trim() === '') return { ok: false, message: 'the feedback store directory is empty' };
  const command: Command = {
    name,
    filter,
    described: described.join(', '),
    limit,
    json: values.json ?? false,
    yes: values.yes ?? false,
    storePath,
    ...(servers.length > 0 ? { cluster: { servers, name: setting(env, 'CLUSTER_NAME') ?? DEFAULT_CLUSTER_NAME } } : {}),
  };
  return { ok: true, command };
}

/** Runs one command line; store and NATS failures become one-line messages, bugs still throw. */
async function runCommand(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  const parsed = parseCommand(args, env);
  if (!parsed.ok) return { code: 2, stderr: `learning-cli: ${parsed.message} (see --help)` };
  const { command } = parsed;
  if (command.name === 'help') return { code: 0, stdout: USAGE };
  const file = join(resolve(command.storePath), FEEDBACK_DATABASE_FILE);
  if (!existsSync(file)) {
    return { code: 2, stderr: `learning-cli: no feedback store at ${file} (set FEEDBACK_STORE_PATH or --store)` };
  }
  let database: FeedbackDatabase | undefined;
  try {
    database = openDatabase(command.storePath);
    const store = new LearnedVerdictsStore(database, NO_BOUND);
    if (command.name === 'list') return list(store, command);
    return command.cluster && command.yes ? await resetCluster(store, command, command.cluster) : reset(store, command);
  } catch (error) {
    if (isStoreFailure(error)) return { code: 2, stderr: `learning-cli: ${file}: ${oneLine(error)}` };
    throw error;
  } finally {
    database?.close();
  }
}

function list(store: LearnedVerdictsStore, command: Command): Outcome {
  const matching = store.list(command.filter, -1);
  const shown = matching.slice(0, command.limit);
  if (command.json) {
    const cases = shown.map((learned) => ({
      words: learned.terms,
      articleId: learned.articleId,
      accepted: learned.accepted,
      rejected: learned.rejected,
      updatedAt: new Date(learned.updatedAt).toISOString(),
    }));
    return { code: 0, stdout: JSON.stringify({ total: matching.length, learned: store.size, cases }, null, 2) };
  }
  const which = command.described ? ` matching ${command.described}` : '';
  const summary = `${shown.length} of ${plural(matching.length, 'case')}${which} shown; ${store.size} learned in all`;
  return { code: 0, stdout: shown.length === 0 ? summary : `${table(shown)}\n${summary}` };
}

function reset(store: LearnedVerdictsStore, command: Command): Outcome {
  const which = command.described ? ` (${command.described})` : ' (everything learned)';
  if (!command.yes) {
    const count = store.list(command.filter, -1).length;
    return {
      code: 2,
      stderr: `learning-cli: would delete ${plural(count, 'case')}${which}; nothing deleted: add --yes to delete`,
    };
  }
  const deleted = store.reset(command.filter);
  return { code: 0, stdout: `deleted ${plural(deleted, 'case')}${which}; ${store.size} left` };
}

async function resetCluster(store: LearnedVerdictsStore, command: Command, cluster: ClusterTarget) {
  const which = command.described ? ` (${command.described})` : ' (everything learned)';
  const here = store.list(command.filter, -1).length;
  try {
    const seq = await publishReset(cluster.servers, cluster.name, command.filter);
    return {
      code: 0 as const,
      stdout:
        `reset${which} logged for cluster "${cluster.name}" as lesson ${seq}: every replica applies it ` +
        `(${plural(here, 'case')} in this replica's store)`,
    };
  } catch (error) {
    return { code: 2 as const, stderr: `learning-cli: ${oneLine(error as Error)}` };
  }
}

function table(cases: readonly StoredCase[]): string {
  const rows = cases.map((learned) => [
    learned.terms.join(' '),
    learned.articleId,
    String(learned.accepted),
    String(learned.rejected),
    new Date(learned.updatedAt).toISOString(),
  ]);
  const header = ['words', 'article', 'accepted', 'rejected', 'last update'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const numeric = [false, false, true, true, false];
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A variable as the service reads it: the environment over the `.env` files. */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (env[name] !== undefined) return env[name];
  if (env.IGNORE_ENV_FILE !== 'true') {
    for (const path of envFilePaths(env.NODE_ENV)) {
      if (!existsSync(path)) continue;
      const value = parseEnv(readFileSync(path, 'utf8'))[name];
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

function openDatabase(storePath: string): FeedbackDatabase {
  return new FeedbackDatabase(new ConfigService<AppConfig, true>({ feedback: { storePath } }));
}

function isStoreFailure(error: unknown): error is Error {
  return error instanceof FeedbackException || error instanceof Database.SqliteError;
}

function argumentProblem(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option ?? ''}`.trim();
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `option ${option ?? ''} needs a value`;
  return oneLine(error);
}

function oneLine(error: Error): string {
  return error.message.split('\n')[0];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function blank(): Omit<Command, 'name'> {
  return { filter: {}, described: '', limit: DEFAULT_LIMIT, json: false, yes: false, storePath: '' };
}

const outcome = await runCommand(process.argv.slice(2), process.env);
if (outcome.stdout !== undefined) process.stdout.write(`${outcome.stdout}\n`);
if (outcome.stderr !== undefined) process.stderr.write(`${outcome.stderr}\n`);
process.exitCode = outcome.code;
