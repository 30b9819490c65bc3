/**
 * The lock's bench page (bench/suites/lock.ts): the generated library of bench/page/library.ts seeded
 * twice in the same run — once without the lock, once sealed (the database's shared keyring open with a
 * fresh data key) — and, on each, Saqta's own code timed: search (the public `search()`, so the suite
 * follows search's rewrite), making a claim (save ✓) and the database part of anchoring (what `page.get`
 * reads: the page by its keys, its claims and copy). Unlock: Argon2id with the shipped parameters,
 * then the library list's first window (`pageList` + `pageRows`), as the library page shows it.
 */
import { DB_NAME, LOCK_KEYRING, SaqtaDB } from '../../utils/db';
import { search } from '../../utils/search/query';
import { buildSearchIndex } from '../../utils/search/memory';
import { createAnnotation, annotationsOf } from '../../utils/store/annotations';
import { findPage } from '../../utils/store/pages';
import { pageList } from '../../utils/library/query';
import { pageRows } from '../../utils/library/rows';
import { recordKeys } from '../../utils/lock/envelope';
import { openKeys, setUpKeys, KDF_DEFAULTS, type LockKeys } from '../../utils/lock/keys';
import { currentDb, queries, seed } from './library';

const PASSPHRASE = 'Бір құпия сөз, bench';
let keys: LockKeys | null = null;

const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

/**
 * In the background service worker (its policy allows WebAssembly; the extension pages' <meta> policy does
 * not): set the lock up with the shipped Argon2id parameters; the data key goes to the page that seeds.
 */
export async function setUpInWorker(): Promise<string> {
  const made = await setUpKeys(PASSPHRASE, KDF_DEFAULTS);
  keys = made.keys;
  return b64(made.dataKey);
}

type Side = 'plain' | 'locked';
/** Both libraries, side by side: timed turn about, so both meet the same garbage collections and disk work. */
const dbs: Partial<Record<Side, SaqtaDB>> = {};
const side = (s: Side) => {
  const db = dbs[s];
  if (!db) throw new Error(`the ${s} library was not seeded`);
  return db;
};

/**
 * The plain library in its own database (its own keyring, off); the locked one in Saqta's own, sealed
 * with `dataKey` (base64, the shared keyring of this page and of the worker's unlock).
 */
export async function seedSide(kazakh: string, pages: number, claimsPerPage: number, saved: number, dataKey: string | null) {
  if (dataKey) {
    LOCK_KEYRING.keys = recordKeys(unb64(dataKey));
    LOCK_KEYRING.state = 'open';
    const out = await seed(kazakh, pages, claimsPerPage, saved, { name: DB_NAME, keyring: LOCK_KEYRING });
    dbs.locked = currentDb();
    return out;
  }
  const out = await seed(kazakh, pages, claimsPerPage, saved, { name: 'saqta-bench-plain', keyring: { state: 'off' } });
  dbs.plain = currentDb();
  return out;
}

export { queries };

/**
 * The in-memory search index built before search is timed, on both sides (the library page builds it after
 * its first screen; until then search answers from IndexedDB): the goal is search after unlock, not during the build.
 */
export async function buildIndexOnce(s: Side) {
  const t0 = performance.now();
  const index = await buildSearchIndex(side(s));
  return { ms: performance.now() - t0, ready: !!index };
}

export async function searchOnce(s: Side, q: string) {
  const t0 = performance.now();
  const { hits } = await search(side(s), q);
  return { ms: performance.now() - t0, hits: hits.length };
}

/** A new claim on an article of the library (what the toolbar's colour click asks the background to do). */
export async function claimOnce(s: Side, n: number) {
  const db: SaqtaDB = side(s);
  const url = `https://news.example/en/${1 + 4 * (n % 200)}`;
  const t0 = performance.now();
  // The generated pages' keys as seeded (normalizedUrl = url), so the claim goes on an existing article.
  const { annotation } = await createAnnotation(db, { keys: { url, normalizedUrl: url }, title: 'Bench article', lang: 'en' }, [{ type: 'TextQuoteSelector', exact: `bench claim ${n} on the budget hearing`, prefix: '', suffix: '' }], { color: 'yellow', note: '', tags: ['bench'] });
  return { ms: performance.now() - t0, id: annotation.id };
}

/** What anchoring a revisited page reads from the database (page.get): the page by its keys, its claims, its copies. */
export async function pageGetOnce(s: Side, n: number) {
  const db = side(s);
  const url = `https://news.example/ru/${4 * (n % 200)}`;
  const t0 = performance.now();
  const page = await findPage(db, { url, normalizedUrl: url });
  const [claims] = page ? await Promise.all([annotationsOf(db, page.id), db.captures.where('pageId').equals(page.id).toArray()]) : [[]];
  return { ms: performance.now() - t0, claims: claims.length };
}

/** In the service worker: Argon2id over the passphrase (the shipped parameters), the data key into this bundle's keyring, then the list's first window (its own connection to the same database). */
export async function unlockOnce() {
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
  db.close();
  return { ms: t2 - t0, kdfMs: t1 - t0, listMs: t2 - t1, rows: rows.length, total: source.total };
}

/** For bench/profile-lock.ts: `page.get`'s reads one by one, and the tags table the claims' read goes through. */
export async function pageGetSplit(s: Side, n: number) {
  const db = side(s);
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
export async function pageGetMany(s: Side, times: number) {
  const t0 = performance.now();
  for (let n = 0; n < times; n++) await pageGetOnce(s, n);
  return performance.now() - t0;
}

/** `times` claims made back to back (the CPU profile's span). */
export async function claimMany(s: Side, times: number, from = 1000) {
  const t0 = performance.now();
  for (let n = from; n < from + times; n++) await claimOnce(s, n);
  return performance.now() - t0;
}

/** The 20 queries `rounds` times over (the CPU profile's span). */
export async function searchMany(s: Side, rounds: number) {
  const qs = await queries();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const q of qs) await searchOnce(s, q);
  return performance.now() - t0;
}
