import { readFileSync } from 'node:fs';
import type { Conversation, KbArticle } from './simulator-types.js';

/**
 * The JSON lives beside this module: src/simulator/data when run from source (tests),
 * dist/simulator/data once the build has copied it. The second candidate keeps a built app
 * working when it was compiled without that copy step (dist/simulator -> src/simulator/data).
 */
const CANDIDATE_DIRS = ['./data/', '../../src/simulator/data/'];

function readDataFile(name: string): unknown {
  const tried: string[] = [];
  for (const dir of CANDIDATE_DIRS) {
    const url = new URL(dir + name, import.meta.url);
    try {
      return JSON.parse(readFileSync(url, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      tried.push(url.pathname);
    }
  }
  throw new Error(`Simulator data file ${name} not found (tried ${tried.join(', ')})`);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function assertArticle(value: unknown, index: number): asserts value is KbArticle {
  const a = value as Partial<KbArticle> | null;
  const ok =
    typeof a === 'object' &&
    a !== null &&
    [a.id, a.title, a.body, a.url].every((field) => typeof field === 'string' && field.length > 0) &&
    (a.tags === undefined || isStringArray(a.tags));
  if (!ok) throw new Error(`articles.json: entry ${index} is not a valid article`);
}

function assertConversation(value: unknown, index: number): asserts value is Conversation {
  const c = value as Partial<Conversation> | null;
  const ok =
    typeof c === 'object' &&
    c !== null &&
    typeof c.id === 'string' &&
    typeof c.title === 'string' &&
    Array.isArray(c.events) &&
    c.events.every(
      (step) =>
        typeof step?.delayMs === 'number' &&
        step.delayMs >= 0 &&
        typeof step.event === 'object' &&
        step.event !== null &&
        typeof step.event.type === 'string',
    ) &&
    (c.expectedArticleIds === undefined || isStringArray(c.expectedArticleIds));
  if (!ok) throw new Error(`conversations.json: entry ${index} is not a valid conversation`);
}

function loadList<T>(name: string, assertItem: (value: unknown, index: number) => asserts value is T): T[] {
  const data = readDataFile(name);
  if (!Array.isArray(data)) throw new Error(`${name}: expected a JSON array`);
  data.forEach((item, index) => assertItem(item, index));
  return data as T[];
}

/** The built-in knowledge base (a fresh copy on every call). */
export function loadArticles(): KbArticle[] {
  return loadList('articles.json', assertArticle);
}

/** The built-in scripted conversations (a fresh copy on every call). */
export function loadConversations(): Conversation[] {
  return loadList('conversations.json', assertConversation);
}
