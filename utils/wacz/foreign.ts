/**
 * A WACZ made by another tool: each page of pages/*.jsonl (or, without a page
 * list, each HTML response) becomes an article with one capture.
 * Filled in by the foreign-import step; for now nothing.
 */
import type { ReadWacz, WaczProblem } from './read';
import type { SaqtaContents } from './saqta';

export async function foreignContents(_read: ReadWacz, problems: WaczProblem[], _signal?: AbortSignal): Promise<SaqtaContents> {
  problems.push({ message: 'this WACZ was not made by Saqta; importing other tools’ WACZ files is not supported yet' });
  return { articles: [], claims: [] };
}
