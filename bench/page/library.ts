/**
 * Runs in an extension page of the benchmark browser: fills Saqta's own
 * database with a generated library (pages, claims, tags, saved articles),
 * then times search and tag rename with Saqta's code (export and import:
 * bench/page/bundle.ts), and
 * the plain way of doing the same (the peer).
 */
import { withSameText } from '../../utils/search/terms-middleware';
import type { Keyring } from '../../utils/lock/middleware';
import { SaqtaDB, type BlobRecord, type CaptureRecord, type ClaimTermsRecord, type PageRecord } from '../../utils/db';
import type { Annotation } from '../../utils/annotation';
import { search } from '../../utils/search/query';
import { buildSearchIndex, dropSearchIndex, memoryIndex } from '../../utils/search/memory';
import { fold, terms, words } from '../../utils/search/fold';
import { claimTextTerms, pageTerms } from '../../utils/search/terms';
import MiniSearch from 'minisearch';
import { indexArticleTexts } from '../../utils/search/articles';
import { mergeTags, renameTag } from '../../utils/store/tag-admin';
import { tagKey } from '../../utils/store/tags';
import { claimsTagged } from '../../utils/store/tag-ids';
import { sha256Hex } from '../../utils/bundle/read';
import { rng } from '../lib/stats';
import { ENGLISH, QUERIES, RUSSIAN, TAGS, wordsOf } from './corpus';
import { eachChunk as eachChunkOf } from '../../utils/search/memory';

const RENAMED = 'арест';
/** What the timed rename names it (bench/suites/library.ts). */
const RENAMED_TO = 'қамау';
let db = new SaqtaDB();

/** The generated library's database (bench/page/bundle.ts exports and imports from it). */
export const currentDb = () => db;

/**
 * Generate `pages` articles with `claimsPerPage` claims each; `saved` of them with an article copy.
 * `into`: a database of this name and keyring (the lock suite keeps two side by side), else Saqta's own.
 */
export async function seed(kazakh: string, pages: number, claimsPerPage: number, saved: number, into?: { name: string; keyring: Keyring }) {
  const t0 = performance.now();
  const make = () => (into ? new SaqtaDB(into.name, into.keyring) : new SaqtaDB());
  const old = into ? make() : db;
  dropSearchIndex(old);
  await old.delete();
  db = make();
  await db.open();
  const random = rng(2026);
  const vocab = { kk: wordsOf(kazakh), ru: wordsOf(RUSSIAN), en: wordsOf(ENGLISH) };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const phraseWords = (lang: keyof typeof vocab, min: number, max: number) => {
    const words = vocab[lang];
    const n = min + Math.floor(random() * (max - min));
    const at = Math.floor(random() * words.length);
    // Mostly a run of real text, with a few words swapped so claims differ.
    return Array.from({ length: n }, (_, i) => (random() < 0.15 ? pick(words) : words[(at + i) % words.length]));
  };
  const phrase = (lang: keyof typeof vocab, min: number, max: number) => phraseWords(lang, min, max).join(' ');
  // Precomputed claim terms: the folded terms of each vocabulary word, memoized
  // (a phrase's terms are the union of its words' terms, as terms() of the
  // joined text gives them), written to claimTerms beside the claims, which go
  // in marked withSameText so the middleware does not fold 500,000 quotes again.
  const wordTerms = new Map<string, string[]>();
  const termsOfWords = (ws: string[]) => {
    const out = new Set<string>();
    for (const w of ws) {
      let t = wordTerms.get(w);
      if (!t) wordTerms.set(w, (t = terms(w)));
      for (const x of t) out.add(x);
    }
    return [...out];
  };
  const day = 86_400_000;
  const tagged = Math.round((pages * claimsPerPage) / 10);
  await db.tags.bulkAdd(TAGS.map((name, i) => ({ id: `tag-${i}`, name, key: name.toLocaleLowerCase(), created: new Date(1.7e12).toISOString() })));
  let claimNo = 0;
  const BATCH = 500;
  for (let from = 0; from < pages; from += BATCH) {
    const pageRows: PageRecord[] = [];
    const claimRows: Annotation[] = [];
    const termRows: ClaimTermsRecord[] = [];
    const captures: CaptureRecord[] = [];
    const blobs: BlobRecord[] = [];
    for (let p = from; p < Math.min(pages, from + BATCH); p++) {
      const lang = p % 4 === 0 ? 'ru' : p % 4 === 1 ? 'en' : 'kk';
      const when = new Date(1.7e12 + p * (day / 7)).toISOString();
      const url = `https://news.example/${lang}/${p}`;
      const id = `urn:uuid:page-${p}`;
      const title = phrase(lang, 6, 12);
      pageRows.push({ id, url, normalizedUrl: url, aliases: [], title, siteName: pick(['Azattyq', 'Vlast', 'Orda', 'Kursiv', 'RFE/RL']), lang, createdAt: when, updatedAt: when });
      for (let c = 0; c < claimsPerPage; c++, claimNo++) {
        const exactWords = phraseWords(lang, 12, 30);
        const exact = exactWords.join(' ');
        const tags = [...new Set([claimNo % 10 === 0 ? RENAMED : pick(TAGS.slice(1)), ...(random() < 0.3 ? [pick(TAGS.slice(1))] : [])])];
        // Drawn in the same order as before v50 (prefix, suffix, note), so the generated library is the same.
        const prefix = phrase(lang, 3, 5);
        const suffix = phrase(lang, 3, 5);
        const noteWords = random() < 0.2 ? phraseWords(lang, 5, 15) : [];
        termRows.push({ id: `urn:uuid:claim-${claimNo}`, terms: termsOfWords([...exactWords, ...noteWords]) });
        claimRows.push({
          id: `urn:uuid:claim-${claimNo}`,
          pageId: id,
          target: { source: url, selector: [{ type: 'TextQuoteSelector', exact, prefix, suffix }, { type: 'TextPositionSelector', start: c * 400, end: c * 400 + exact.length }] },
          body: { tags, note: noteWords.join(' '), color: pick(['yellow', 'green', 'blue', 'pink', 'purple'] as const) },
          created: when,
          modified: when,
          anchor: 'anchored',
        });
      }
      if (p < saved) {
        const html = `<article><h1>${title}</h1>${Array.from({ length: 12 }, () => `<p>${phrase(lang, 30, 60)}</p>`).join('')}</article>`;
        const bytes = new TextEncoder().encode(html);
        const data = new Blob([bytes], { type: 'text/html' });
        const captureId = `urn:uuid:capture-${p}`;
        const blobId = `urn:uuid:blob-${p}`;
        const ref = { kind: 'article' as const, blobId, sha256: sha256Hex(bytes), size: data.size, mime: 'text/html' };
        captures.push({ id: captureId, pageId: id, url, finalUrl: url, capturedAt: when, browser: 'bench', extensionVersion: '0.1.0', artifacts: [ref] });
        blobs.push({ id: blobId, pageId: id, captureId, kind: 'article', sha256: ref.sha256, size: data.size, mime: 'text/html', data });
        pageRows[pageRows.length - 1].savedAt = when;
      }
    }
    await db.transaction('rw', [db.pages, db.annotations, db.claimTerms, db.captures, db.blobs], async () => {
      await db.pages.bulkAdd(pageRows);
      await db.annotations.bulkAdd(claimRows.map((a) => withSameText(a)));
      await db.claimTerms.bulkAdd(termRows);
      await db.captures.bulkAdd(captures);
      await db.blobs.bulkAdd(blobs);
    });
  }
  const t1 = performance.now();
  const texts = await indexArticleTexts(db);
  return { seedMs: t1 - t0, indexTextsMs: performance.now() - t1, pages: await db.pages.count(), claims: await db.annotations.count(), texts, claimsWithRenamedTag: tagged };
}

/** Saqta's in-memory search index (utils/search/memory.ts), dropped and built afresh: what the library page does once per open. */
export async function saqtaBuild() {
  dropSearchIndex(db);
  const t0 = performance.now();
  const index = await buildSearchIndex(db);
  const ms = performance.now() - t0;
  const k = index!.kinds;
  return { ms, claims: k.claim!.size, pages: k.page!.size, texts: k.text!.size, terms: k.claim!.termCount + k.page!.termCount + k.text!.termCount, steps: index!.steps };
}

/**
 * The first search after the library opens, cold: no index in memory. It is
 * answered from the IndexedDB indexes while the in-memory index builds (as
 * in the library page); then the time until the index is ready.
 */
export async function saqtaColdOnce(q: string) {
  dropSearchIndex(db);
  const t0 = performance.now();
  const { hits } = await search(db, q);
  const ms = performance.now() - t0;
  await buildSearchIndex(db);
  return { ms, hits: hits.length, readyMs: performance.now() - t0 };
}

export async function searchOnce(q: string) {
  const ready = !!(await memoryIndex(db, false));
  const t0 = performance.now();
  const { hits } = await search(db, q);
  return { ms: performance.now() - t0, hits: hits.length, fromMemory: ready };
}

/** What the in-memory index did since it was built: kinds rebuilt, records read again. */
export async function saqtaIndexCounts() {
  return (await memoryIndex(db, false))?.counts ?? null;
}

/*
 * The search peer: MiniSearch (npm `minisearch`), an in-memory full-text index
 * in the same extension page, over the same records Saqta searches (claims:
 * quote, note, tags; pages: the fields of pageTerms; saved article texts),
 * tokenized and folded exactly as Saqta's index is (`words` + `fold`, cut at
 * 32 characters: utils/search/fold.ts `terms`), every query word required,
 * the last ones as prefixes (Saqta's rule: each word may be a prefix), the
 * same field weights, the first 100 results.
 */
let peer: MiniSearch | null = null;
const LIMIT = 100;
const CHUNK = 10_000;
type PeerDoc = { id: string; quote?: string; note?: string; tags?: string; title?: string; text?: string };

/** Every record of a table, CHUNK at a time by primary key (500,000 claims do not fit in one toArray comfortably). */
const eachChunk = <T>(table: Parameters<typeof eachChunkOf<T>>[0], key: (row: T) => string, fn: (rows: T[]) => void) => eachChunkOf(table, key, fn, CHUNK);

const quoteText = (a: Annotation) => {
  const quote = a.target.selector.find((s) => s.type === 'TextQuoteSelector');
  return quote && 'exact' in quote ? quote.exact : '';
};
const pageFields = (p: PageRecord) => {
  let host = '';
  try {
    host = new URL(p.url).hostname;
  } catch {
    /* as pageTerms */
  }
  return [p.title ?? '', p.siteName ?? '', p.byline ?? '', host].join('\n');
};

/** Read every record and build the peer's index; times the reads and the indexing apart. */
export async function peerBuild() {
  peer = null;
  const index = new MiniSearch<PeerDoc>({
    fields: ['quote', 'note', 'tags', 'title', 'text'],
    tokenize: (text) => words(text),
    processTerm: (term) => fold(term).slice(0, 32) || null,
    searchOptions: { prefix: true, combineWith: 'AND', boost: { title: 1.6, quote: 1.4, tags: 1.3, note: 1.1, text: 1 } },
  });
  let readMs = 0;
  let indexMs = 0;
  let docs = 0;
  const add = (rows: PeerDoc[]) => {
    const t = performance.now();
    index.addAll(rows);
    indexMs += performance.now() - t;
    docs += rows.length;
  };
  const timedChunks = async <T,>(table: Parameters<typeof eachChunk<T>>[0], key: (r: T) => string, toDoc: (r: T) => PeerDoc) => {
    let t = performance.now();
    await eachChunk(table, key, (rows) => {
      readMs += performance.now() - t;
      add(rows.map(toDoc));
      t = performance.now();
    });
    readMs += performance.now() - t;
  };
  await timedChunks(db.annotations, (a) => a.id, (a) => ({ id: `claim:${a.id}`, quote: quoteText(a), note: a.body.note, tags: a.body.tags.join('\n') }));
  await timedChunks(db.pages, (p) => p.id, (p) => ({ id: `page:${p.id}`, title: pageFields(p) }));
  await timedChunks(db.texts, (t) => t.pageId, (t) => ({ id: `text:${t.pageId}`, text: t.text }));
  peer = index;
  return { readMs, indexMs, docs, terms: index.termCount };
}

export async function peerSearchOnce(q: string) {
  if (!peer) throw new Error('peerBuild first');
  const t0 = performance.now();
  const hits = peer.search(q).slice(0, LIMIT);
  return { ms: performance.now() - t0, hits: hits.length };
}

export function peerDrop() {
  peer = null;
}

/*
 * Ground truth, by brute force: every record's terms as Saqta defines them
 * (claimTextTerms + the terms of each tag name; pageTerms; terms of the
 * article text), computed afresh from the records, not read from any index;
 * a record matches when each query word is one of its terms or the start of
 * one. Terms are numbered once (the generated vocabulary is small), so a
 * query checks integer sets rather than 500,000 lists of strings.
 */
let truth: { vocab: string[]; keys: string[]; termIds: Int32Array[] } | null = null;

export async function truthBuild() {
  const t0 = performance.now();
  const ids = new Map<string, number>();
  const vocab: string[] = [];
  const keys: string[] = [];
  const termIds: Int32Array[] = [];
  const addRecord = (key: string, ts: Iterable<string>) => {
    const out = new Set<number>();
    for (const t of ts) {
      let id = ids.get(t);
      if (id === undefined) {
        ids.set(t, (id = vocab.length));
        vocab.push(t);
      }
      out.add(id);
    }
    keys.push(key);
    termIds.push(Int32Array.from(out));
  };
  const tagTerms = new Map<string, string[]>();
  await eachChunk(db.annotations, (a) => a.id, (rows) => {
    for (const a of rows) {
      const tags = a.body.tags.flatMap((t) => {
        let x = tagTerms.get(t);
        if (!x) tagTerms.set(t, (x = terms(t)));
        return x;
      });
      addRecord(`claim:${a.id}`, [...claimTextTerms(a), ...tags]);
    }
  });
  await eachChunk(db.pages, (p) => p.id, (rows) => rows.forEach((p) => addRecord(`page:${p.id}`, pageTerms(p))));
  await eachChunk(db.texts, (t) => t.pageId, (rows) => rows.forEach((t) => addRecord(`text:${t.pageId}`, terms(t.text))));
  truth = { vocab, keys, termIds };
  return { ms: performance.now() - t0, records: keys.length, vocabulary: vocab.length };
}

function truthOf(q: string): Set<string> {
  if (!truth) throw new Error('truthBuild first');
  const { vocab, keys, termIds } = truth;
  const wanted = terms(q).slice(0, 8).map((w) => {
    const s = new Set<number>();
    vocab.forEach((t, i) => void (t.startsWith(w) && s.add(i)));
    return s;
  });
  const out = new Set<string>();
  termIds.forEach((ts, r) => {
    if (wanted.every((s) => ts.some((t) => s.has(t)))) out.add(keys[r]!);
  });
  return out;
}

/**
 * Recall of the first 100 results of each tool against the ground truth:
 * true results returned ÷ min(100, true results); and how many returned are
 * not true matches.
 */
export async function recallOnce(q: string) {
  const want = truthOf(q);
  const saqtaKeys = (await search(db, q, LIMIT)).hits.map((h) => `${h.kind}:${h.id}`);
  const peerKeys = peer ? peer.search(q).slice(0, LIMIT).map((h) => String(h.id)) : [];
  const score = (got: string[]) => {
    const right = got.filter((k) => want.has(k)).length;
    return { returned: got.length, right, wrong: got.length - right, recall: want.size ? right / Math.min(LIMIT, want.size) : got.length ? 0 : 1 };
  };
  return { truth: want.size, saqta: score(saqtaKeys), peer: score(peerKeys) };
}

export function truthDrop() {
  truth = null;
}

/** Saqta's index step for every claim: the terms the middleware computes when a claim is saved (claimTextTerms), CPU only. */
export async function saqtaTermsAll() {
  let ms = 0;
  let n = 0;
  await eachChunk(db.annotations, (a) => a.id, (rows) => {
    const t = performance.now();
    for (const a of rows) n += claimTextTerms(a).length;
    ms += performance.now() - t;
  });
  return { ms, terms: n };
}

/** The peer: no index, read every claim and page and look for every word in the folded text. */
export async function scanOnce(q: string) {
  const t0 = performance.now();
  const qterms = terms(q);
  let hits = 0;
  const matches = (text: string) => {
    const f = fold(text);
    return qterms.every((t) => f.includes(t));
  };
  await db.annotations.each((a) => {
    const quote = a.target.selector.find((s) => s.type === 'TextQuoteSelector');
    if (matches(`${quote && 'exact' in quote ? quote.exact : ''} ${a.body.tags.join(' ')} ${a.body.note}`)) hits++;
  });
  await db.pages.each((p) => void (matches(p.title) && hits++));
  await db.texts.each((t) => void (matches(t.text) && hits++));
  return { ms: performance.now() - t0, hits };
}

export const queries = () => QUERIES;

export async function rename(to: string) {
  const t0 = performance.now();
  const res = await renameTag(db, RENAMED, to);
  return { ms: performance.now() - t0, claims: res.claims };
}

/**
 * Merge tag `from` into tag `into` (both held by claims). The peer rename put
 * `from` back on the claims (since v60 that makes its tag again; before, its
 * record was named back here, untimed).
 */
export async function merge(from: string, into: string) {
  // Since v60 (claims hold tag ids) the peer's names made a tag `from` afresh, holding every claim it wrote.
  if (!(await db.tags.where('key').equals(tagKey(from)).first())) {
    await db.tags.toCollection().modify((t) => {
      if (t.name === RENAMED_TO) Object.assign(t, { name: from, key: tagKey(from) });
    });
  }
  const t0 = performance.now();
  const claims = await mergeTags(db, [from], into);
  return { ms: performance.now() - t0, claims };
}

/** The peer: read the tagged claims, change them in memory, write them back with bulkPut. */
export async function renameByPut(from: string, to: string) {
  const t0 = performance.now();
  const rows = await (await claimsTagged(db, [from])).toArray();
  for (const a of rows) a.body.tags = a.body.tags.map((t) => (t === from ? to : t));
  await db.annotations.bulkPut(rows);
  return { ms: performance.now() - t0, claims: rows.length };
}

export async function clear() {
  dropSearchIndex(db);
  await db.delete();
}
