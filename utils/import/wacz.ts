/**
 * Import a WACZ: everything is checked first (ZIP, datapackage and digest,
 * every hash, every CDXJ entry against its record); the first problem refuses
 * the whole file and changes nothing. A Saqta WACZ gives back its articles,
 * captures (artifacts read from their WARC records) and claims; a WACZ from
 * another tool (ArchiveWeb.page, Browsertrix…) gives one saved copy per page
 * (utils/wacz/foreign.ts). Progress: `check` (bytes read). `./import.ts`
 * then cleans the saved HTML and merges, as for a bundle.
 */
import type { ImportOptions } from './options';
import type { ArchiveEntry, ByteSource } from '../zip/archive';
import { checkRecords, readWacz } from '../wacz/read';
import { isSaqtaWacz, readSaqtaContents, refusal, type SaqtaContents } from '../wacz/saqta';
import { foreignContents } from '../wacz/foreign';
import { checkEvidence, importEvidence, type ImportEvidence } from '../evidence/check';
import { checkLines } from '../watch/bundle';
import type { Reason } from '../wacz/reasons';

/** The first check record chain verify would fail, as a problem (the same checkLines verify prints). */
function brokenChecks(contents: SaqtaContents): { file: string; message: string; reason?: Reason } | null {
  for (const a of contents.articles) {
    if (a.checks === undefined) continue;
    const fail = checkLines(a.checks, `${a.dir}/checks.json`, a.page.id, new Set(a.captures.map((c) => c.record.id))).find((l) => l.level === 'fail');
    if (fail) return { file: fail.file, message: fail.message, ...(fail.reason ? { reason: fail.reason } : {}) };
  }
  return null;
}

export async function readWaczForImport(src: ByteSource, opts: ImportOptions = {}, entries?: ArchiveEntry[]): Promise<SaqtaContents & { evidence: ImportEvidence }> {
  const read = await readWacz(src, { signal: opts.signal, entries, onProgress: (d, t) => opts.onProgress?.('check', d, t) });
  if (read.problems.length) throw refusal(read.problems[0]!);
  // Who signed it and when (utils/evidence/): a signature or token that does not hold refuses the package.
  const { evidence, problem } = importEvidence(await checkEvidence(crypto.subtle, read.files));
  if (problem) throw refusal(problem);
  const recordProblems = await checkRecords(read, { signal: opts.signal });
  if (recordProblems.length) throw refusal(recordProblems[0]!);
  const problems: { file?: string; message: string }[] = [];
  const contents = isSaqtaWacz(read) ? await readSaqtaContents(read, problems) : await foreignContents(read, problems, opts.signal);
  if (problems.length) throw refusal(problems[0]!);
  // What verify fails, import refuses: a check-record chain that does not hold (gap, reorder, another article's).
  const broken = brokenChecks(contents);
  if (broken) throw refusal(broken);
  const ids = new Set(contents.articles.map((a) => a.page.id));
  const orphan = contents.claims.find((c) => !c.pageId || !ids.has(c.pageId));
  if (orphan) throw refusal({ file: 'annotations.jsonld', message: `claim ${orphan.id} belongs to no article of the package` });
  // Each capture remembers whose signature the file carried (issue 24): its evidence sheet says so.
  const imported = evidence.signature === 'valid' && evidence.fingerprint ? { signature: 'valid' as const, fingerprint: evidence.fingerprint } : { signature: 'unsigned' as const };
  for (const a of contents.articles) for (const c of a.captures) c.record.imported = imported;
  return { ...contents, evidence };
}
