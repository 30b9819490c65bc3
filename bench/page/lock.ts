/**
 * The lock's bench page (bench/suites/lock.ts), in each of two browsers with the built extension: the
 * generated library of bench/page/library.ts seeded into Saqta's own database, once without the lock and
 * once sealed after the lock was turned on through the background (`lock.setUp`, as Settings does; the
 * data key then read from `storage.session`, where the open lock keeps it) — and, on each, Saqta's own code
 * timed: search (the public `search()`, so the suite follows search's rewrite), making a claim and the
 * database part of anchoring (what `page.get` reads: the page by its keys, its claims and copy). Unlock:
 * Argon2id with the shipped parameters over the stored wrapped keys, then the library list's first window
 * (`pageList` + `pageRows`), as the library page shows it. The reader's own figures (the save's ✓, a
 * revisit's highlights) are driven from the suite, through the browser.
 */
import { DB_NAME, LOCK_KEYRING, SaqtaDB } from '../../utils/db';
import { search } from '../../utils/search/query';
import { buildSearchIndex } from '../../utils/search/memory';
import { createAnnotation, annotationsOf } from '../../utils/store/annotations';
import { findPage } from '../../utils/store/pages';
import { pageKeys } from '../../utils/url';
import { storeCapture, type NewCapture } from '../../utils/store/captures';
import { pageList } from '../../utils/library/query';
import { pageRows } from '../../utils/library/rows';
import { recordKeys } from '../../utils/lock/envelope';
import { openKeys, type LockKeys } from '../../utils/lock/keys';
import { LOCK_STORAGE_KEYS } from '../../utils/lock/store';
import { send } from '../../utils/ext/client';
import { currentDb, queries, seed } from './library';

const PASSPHRASE = 'Бір құпия сөз, bench';

const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

/**
 * Turn the lock on as Settings does (the background's `lock.setUp`: Argon2id with the shipped parameters,
 * the data key wrapped into `storage.local`, the key itself in `storage.session`), and hand the open key
 * (base64) to the seeding below: this page writes sealed records the background can open.
 */
export async function setUpLock(): Promise<string> {
  const res = await send('lock.setUp', { passphrase: PASSPHRASE });
  if (!res.ok) throw new Error(`lock.setUp: ${JSON.stringify(res)}`);
  // Sealing the (empty) library and moving it to a fresh database (utils/lock/relocate.ts) run in the background
  // right after: seeding meanwhile would write into the database the move deletes. Wait until it is done.
  for (let i = 0; ; i++) {
    const st = await send('lock.status', {});
    if (st.ok && st.value.state === 'open' && !st.value.migration) break;
    if (i > 600) throw new Error(`the lock's set-up did not finish: ${JSON.stringify(st)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const got = (await chrome.storage.session.get(LOCK_STORAGE_KEYS.session)) as Record<string, string | undefined>;
  const key = got[LOCK_STORAGE_KEYS.session];
  if (!key) throw new Error('the open lock kept no key in storage.session');
  return key;
}

let db: SaqtaDB | null = null;
const current = () => {
  if (!db) throw new Error('no library seeded in this browser');
  return db;
};

/**
 * Seed Saqta's own database: without the lock (`dataKey` null), or sealed with `dataKey` (base64, the
 * key the background holds open after `setUpLock`).
 */
export async function seedSide(kazakh: string, pages: number, claimsPerPage: number, saved: number, dataKey: string | null) {
  if (dataKey) {
    LOCK_KEYRING.keys = recordKeys(unb64(dataKey));
    LOCK_KEYRING.state = 'open';
  }
  const out = await seed(kazakh, pages, claimsPerPage, saved, { name: DB_NAME, keyring: dataKey ? LOCK_KEYRING : { state: 'off' } });
  db = currentDb();
  return out;
}

export { queries };

/** What the library holds, read back (a side that lost rows would be faster). */
export async function counts() {
  const db = current();
  return { pages: await db.pages.count(), claims: await db.annotations.count() };
}

/**
 * The in-memory search index built before search is timed, on both sides (the library page builds it after
 * its first screen; until then search answers from IndexedDB): the goal is search after unlock, not during the build.
 */
export async function buildIndexOnce() {
  const t0 = performance.now();
  const index = await buildSearchIndex(current());
  return { ms: performance.now() - t0, ready: !!index };
}

export async function searchOnce(q: string) {
  const t0 = performance.now();
  const { hits } = await search(current(), q);
  return { ms: performance.now() - t0, hits: hits.length };
}

/** A new claim on an article of the library (what the toolbar's colour click asks the background to do). */
export async function claimOnce(n: number) {
  const db = current();
  const url = `https://news.example/en/${1 + 4 * (n % 200)}`;
  const t0 = performance.now();
  // The generated pages' keys as seeded (normalizedUrl = url), so the claim goes on an existing article.
  const { annotation } = await createAnnotation(db, { keys: { url, normalizedUrl: url }, title: 'Bench article', lang: 'en' }, [{ type: 'TextQuoteSelector', exact: `bench claim ${n} on the budget hearing`, prefix: '', suffix: '' }], { color: 'yellow', note: '', tags: ['bench'] });
  return { ms: performance.now() - t0, id: annotation.id };
}

/** What anchoring a revisited page reads from the database (page.get): the page by its keys, its claims, its copies. */
export async function pageGetOnce(n: number) {
  const db = current();
  const url = `https://news.example/ru/${4 * (n % 200)}`;
  const t0 = performance.now();
  const page = await findPage(db, { url, normalizedUrl: url });
  const [claims] = page ? await Promise.all([annotationsOf(db, page.id), db.captures.where('pageId').equals(page.id).toArray()]) : [[]];
  return { ms: performance.now() - t0, claims: claims.length };
}

/**
 * In the service worker: Argon2id over the passphrase (the shipped parameters) on the wrapped keys `lock.setUp`
 * stored, the data key into this bundle's keyring, then the list's first window (its own connection to the
 * same database).
 */
export async function unlockOnce() {
  const stored = (await chrome.storage.local.get(LOCK_STORAGE_KEYS.keys)) as Record<string, LockKeys | undefined>;
  const keys = stored[LOCK_STORAGE_KEYS.keys];
  if (!keys) throw new Error('no lock set up');
  LOCK_KEYRING.keys = undefined;
  LOCK_KEYRING.state = 'locked';
  const db = new SaqtaDB();
  await db.open();
  const t0 = performance.now();
  const dataKey = await openKeys(keys, PASSPHRASE, 'passphrase');
  if (!dataKey) throw new Error('the passphrase did not open');
  const t1 = performance.now();
  LOCK_KEYRING.keys = recordKeys(dataKey);
  LOCK_KEYRING.state = 'open';
  const source = await pageList(db, { sort: 'date-desc' });
  const rows = await pageRows(db, source, 0, 50);
  const t2 = performance.now();
  const total = source.counted ? await source.counted() : source.total;
  db.close();
  return { ms: t2 - t0, kdfMs: t1 - t0, listMs: t2 - t1, rows: rows.length, total };
}

/** The step timings (`notes.timingsMs`: extract, resources, store) of the newest `n` saves of `url`, as the background stored them. */
export async function saveTimings(url: string, n: number) {
  const db = current();
  const page = await findPage(db, pageKeys(url));
  if (!page) return [];
  const caps = await db.captures.where('pageId').equals(page.id).toArray();
  return caps
    .sort((a, b) => (a.capturedAt < b.capturedAt ? 1 : -1))
    .slice(0, n)
    .map((c) => c.notes?.timingsMs ?? {});
}

/**
 * For bench/profile-lock.ts `--save`: the store step of the newest save of `url` replayed `times` times (its
 * artifacts' own bytes, the same record: `storeCapture`, as the background calls it), each time's ms.
 */
export async function storeLike(url: string, times: number) {
  const db = current();
  const page = await findPage(db, pageKeys(url));
  if (!page) throw new Error(`no saved page at ${url}`);
  const cap = (await db.captures.where('pageId').equals(page.id).toArray()).sort((a, b) => (a.capturedAt < b.capturedAt ? 1 : -1))[0]!;
  const refs = cap.artifacts.filter((a) => a.kind !== 'screenshot');
  const blobs = await db.blobs.bulkGet(refs.map((a) => a.blobId));
  const artifacts = await Promise.all(refs.map(async (a, i) => ({ kind: a.kind, mime: a.mime, sourceUrl: a.sourceUrl, bytes: new Uint8Array(await blobs[i]!.data.arrayBuffer()) })));
  const at = new Map(refs.map((a, i) => [a.blobId, i]));
  const out: number[] = [];
  for (let n = 0; n < times; n++) {
    const input: NewCapture = {
      page: { keys: pageKeys(url), title: page.title, lang: page.lang ?? 'kk' },
      meta: { title: page.title },
      url: cap.url,
      finalUrl: cap.finalUrl,
      capturedAt: new Date().toISOString(),
      browser: cap.browser,
      extensionVersion: cap.extensionVersion,
      artifacts,
      notes: cap.notes,
      exchanges: cap.exchanges?.filter((x) => at.has(x.blobId)).map(({ blobId, ...x }) => ({ ...x, artifact: at.get(blobId)! })),
    };
    const t0 = performance.now();
    await storeCapture(db, input);
    out.push(performance.now() - t0);
  }
  return { ms: out, bytes: artifacts.reduce((n, a) => n + a.bytes.length, 0), artifacts: artifacts.length };
}

/** For bench/profile-lock.ts: `page.get`'s reads one by one, and the tags table the claims' read goes through. */
export async function pageGetSplit(n: number) {
  const db = current();
  const url = `https://news.example/ru/${4 * (n % 200)}`;
  const t0 = performance.now();
  const page = await findPage(db, { url, normalizedUrl: url });
  const t1 = performance.now();
  const claims = page ? await annotationsOf(db, page.id) : [];
  const t2 = performance.now();
  if (page) await db.captures.where('pageId').equals(page.id).toArray();
  const t3 = performance.now();
  await db.tags.toArray();
  const t4 = performance.now();
  return { findPage: t1 - t0, claims: t2 - t1, captures: t3 - t2, tags: t4 - t3, n: claims.length };
}

/** `times` page.get reads back to back (the CPU profile's span). */
export async function pageGetMany(times: number) {
  const t0 = performance.now();
  for (let n = 0; n < times; n++) await pageGetOnce(n);
  return performance.now() - t0;
}

/** `times` claims made back to back (the CPU profile's span). */
export async function claimMany(times: number, from = 1000) {
  const t0 = performance.now();
  for (let n = from; n < from + times; n++) await claimOnce(n);
  return performance.now() - t0;
}

/** The 20 queries `rounds` times over (the CPU profile's span). */
export async function searchMany(rounds: number) {
  const qs = await queries();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const q of qs) await searchOnce(q);
  return performance.now() - t0;
}
