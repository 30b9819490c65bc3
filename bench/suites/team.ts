/**
 * Team sync at scale (issue 17), in Node over fake IndexedDB against a real
 * Apache httpd + mod_dav (tests/e2e/dav-server.ts): the figures that matter
 * are bytes and requests, which do not depend on the browser; times are
 * Node's (fake IndexedDB is slower than Chromium's), for ratios only.
 * Peer: a full export and import of the same data through the same bundle
 * writer and reader, moved as one file (what a team does by hand today).
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SaqtaDB, type BlobRecord, type CaptureRecord, type PageRecord } from '../../utils/db';
import type { Annotation } from '../../utils/annotation';
import { DavClient } from '../../utils/team/dav';
import { syncTeam } from '../../utils/team/sync';
import { type SyncReport, type TeamIdentity } from '../../utils/team/sync-types';
import { bundleBytes } from '../../utils/team/publish';
import { collectArticles } from '../../utils/export/collect';
import { importBytes } from '../../utils/import/import';
import { normalizeUrl } from '../../utils/url';
import { startDav } from '../../tests/e2e/dav-server';
import { createKeyRecord } from '../../utils/evidence/keys';
import { cleanPartArticles } from '../../utils/team/clean';
import { cleanSavedHtml } from '../../utils/extract/clean-html';
import { SEED } from '../lib/paths';
import { rng, round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';

const SCALE = {
  full: { articles: 1000, claims: 10, members: 20, memberClaims: 50 },
  quick: { articles: 100, claims: 10, members: 5, memberClaims: 20 },
};

let dbs = 0;
let uuids = 0;
/** Claim ids as the extension makes them (urn:uuid), deterministic. */
const uuid = () => `urn:uuid:00000000-0000-4000-8000-${(++uuids).toString(16).padStart(12, '0')}`;
const freshDb = () => new SaqtaDB(`bench-team-${++dbs}-${Date.now()}`);

async function seed(db: SaqtaDB, text: string, articles: number, perArticle: number, who: string, withCopies: boolean): Promise<void> {
  const random = rng(articles * 7919 + perArticle + who.length);
  const words = text.split(/\s+/).filter(Boolean);
  const now = new Date('2026-11-27T10:00:00Z').getTime();
  const pages: PageRecord[] = [];
  const claims: Annotation[] = [];
  const captures: CaptureRecord[] = [];
  const blobs: BlobRecord[] = [];
  for (let i = 0; i < articles; i++) {
    const url = `https://news.example.kz/${who}/2026/${i}`;
    const at = new Date(now + i * 1000).toISOString();
    const pageId = `urn:uuid:${who}-p-${i}`;
    pages.push({ id: pageId, url, normalizedUrl: normalizeUrl(url), aliases: [], title: `${who} article ${i}: ${words.slice(i % 50, (i % 50) + 6).join(' ')}`, createdAt: at, updatedAt: at });
    for (let k = 0; k < perArticle; k++) {
      const start = Math.floor(random() * (words.length - 12));
      const exact = words.slice(start, start + 4 + Math.floor(random() * 8)).join(' ');
      claims.push({
        id: uuid(),
        pageId,
        target: { source: url, selector: [{ type: 'TextQuoteSelector', exact, prefix: words.slice(Math.max(0, start - 4), start).join(' '), suffix: words.slice(start + 12, start + 16).join(' ') }, { type: 'TextPositionSelector', start: start * 6, end: start * 6 + exact.length }] },
        body: { tags: [['court', 'arrest', 'EU', 'press', 'denial'][k % 5]!], note: k % 3 ? '' : `note ${i}.${k}`, color: 'yellow' },
        created: at,
        modified: at,
        anchor: 'unknown',
      });
    }
    if (withCopies) {
      const html = `<article><h1>${pages[i]!.title}</h1>${words.slice((i * 37) % (words.length - 400), ((i * 37) % (words.length - 400)) + 400).map((w, j) => (j % 60 ? w : `</p><p>${w}`)).join(' ')}</p></article>`;
      const bytes = new TextEncoder().encode(html);
      const captureId = `urn:uuid:${who}-k-${i}`;
      const blobId = `urn:uuid:${who}-b-${i}`;
      const sha = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
      blobs.push({ id: blobId, pageId, captureId, kind: 'article', sha256: sha, size: bytes.length, mime: 'text/html', data: new Blob([bytes], { type: 'text/html' }) });
      captures.push({ id: captureId, pageId, url, finalUrl: url, capturedAt: at, browser: 'bench', extensionVersion: '0.1.0', artifacts: [{ kind: 'article', blobId, sha256: sha, size: bytes.length, mime: 'text/html' }] });
      pages[i]!.savedAt = at;
    }
  }
  await db.transaction('rw', [db.pages, db.annotations, db.captures, db.blobs], async () => {
    await db.pages.bulkAdd(pages);
    for (let i = 0; i < claims.length; i += 2000) await db.annotations.bulkAdd(claims.slice(i, i + 2000));
    await db.blobs.bulkAdd(blobs);
    await db.captures.bulkAdd(captures);
  });
}

async function fullExport(db: SaqtaDB): Promise<Uint8Array> {
  const ids = (await db.pages.orderBy('createdAt').primaryKeys()) as string[];
  const articles = [];
  for await (const a of collectArticles(db, ids)) articles.push(a);
  return bundleBytes(articles, 'Saqta export', new Date(), 'Saqta bench');
}

interface Measured {
  ms: number;
  report: SyncReport;
}

let benchDom: (Window & typeof globalThis) | null = null;
/** Colleagues' saved HTML is sanitized as the extension does it (the save-time DOMPurify configuration; jsdom in Node). */
const clean = (articles: Parameters<typeof cleanPartArticles>[0]) => {
  benchDom ??= new JSDOM('').window as unknown as Window & typeof globalThis;
  return cleanPartArticles(articles, async (kind, html) => cleanSavedHtml(kind, html, benchDom!)).then(() => undefined);
};
/** Each member signs with an install key of their own (ECDSA P-384), as in the extension. */
async function identity(memberId: string, displayName: string): Promise<TeamIdentity> {
  const k = await createKeyRecord(crypto.subtle);
  return { memberId, displayName, scope: { kind: 'all' }, signer: { privateKey: k.privateKey, spki: k.spki } };
}

async function timedSync(db: SaqtaDB, dav: DavClient, id: TeamIdentity, read = true): Promise<Measured> {
  const t0 = performance.now();
  const report = await syncTeam(db, dav, id, { software: 'Saqta bench', read, clean });
  const ms = performance.now() - t0;
  if (!report.ok) throw new Error(`sync failed: ${JSON.stringify(report.failure)}`);
  return { ms, report };
}

export const team: Suite = {
  id: 'team',
  title: 'Team sync through WebDAV (Apache mod_dav)',
  async run(ctx) {
    const s = ctx.quick ? SCALE.quick : SCALE.full;
    const text = readFileSync(join(SEED, 'source.txt'), 'utf8');
    const server = await startDav({ alice: 'alice-pw', bob: 'bob-pw' });
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    const kb = (n: number) => round(n / 1024, 1);
    try {
      const client = (user: 'alice' | 'bob', folder = 'bench/') => new DavClient({ url: `${server.url}${folder}`, user, password: `${user}-pw` });
      await client('alice', '').mkcol('bench/');
      const a = freshDb();
      const b = freshDb();
      const alice = await identity('alice-bench', 'Alice');
      const bob = await identity('bob-bench', 'Bob');
      const t0 = performance.now();
      await seed(a, text, s.articles, s.claims, 'alice', true);
      const on = `${s.articles} articles, ${s.articles * s.claims} claims, ${s.articles} saved copies`;
      ctx.log(`  generated ${on} in ${round((performance.now() - t0) / 1000, 1)} s`);

      // Peer: a full export (the bundle a member would send) and its import.
      // The import sanitizes every saved copy with DOMPurify: in Node it needs jsdom's window.
      const dom = new JSDOM('').window as unknown as Window & typeof globalThis;
      let t = performance.now();
      const full = await fullExport(a);
      const exportMs = performance.now() - t;
      const peerDb = freshDb();
      t = performance.now();
      await importBytes(peerDb, full, { window: dom });
      const importMs = performance.now() - t;
      ctx.log(`  full export ${kb(full.length)} KB in ${round(exportMs)} ms, import ${round(importMs)} ms`);

      const first = await timedSync(a, client('alice'), alice);
      const firstUp = first.report.stats;
      ctx.log(`  first publish: ${first.report.stats.requests} requests, ${kb(firstUp.bytesUp)} KB up, ${round(first.ms)} ms`);
      figures.push(figure({ suite: 'team', measure: 'publish everything (first sync): KB up', on, unit: 'KB', saqta: kb(firstUp.bytesUp), peer: 'full export bundle', peerValue: kb(full.length), note: `${firstUp.requests} requests (peer: 1 PUT)` }));
      figures.push(figure({ suite: 'team', measure: 'publish everything (first sync): time', on, unit: 'ms', saqta: round(first.ms), peer: 'full export', peerValue: round(exportMs), note: 'Node + fake IndexedDB' }));

      const read1 = await timedSync(b, client('bob'), bob);
      ctx.log(`  colleague's first read: ${read1.report.stats.requests} requests, ${kb(read1.report.stats.bytesDown)} KB down, ${round(read1.ms)} ms`);
      figures.push(figure({ suite: 'team', measure: 'colleague reads everything (first sync): KB down', on, unit: 'KB', saqta: kb(read1.report.stats.bytesDown), peer: 'full bundle download', peerValue: kb(full.length), note: `${read1.report.stats.requests} requests` }));
      figures.push(figure({ suite: 'team', measure: 'colleague reads everything (first sync): time', on, unit: 'ms', saqta: round(read1.ms), peer: 'full import', peerValue: round(importMs), note: 'Node + fake IndexedDB' }));

      // Ten changed claims.
      const ids = ((await a.annotations.limit(10).primaryKeys()) as string[]);
      await a.transaction('rw', a.annotations, async () => {
        for (const id of ids) await a.annotations.update(id, { 'body.note': `changed ${id}`, modified: new Date().toISOString() });
      });
      const ten = await timedSync(a, client('alice'), alice);
      const tenRead = await timedSync(b, client('bob'), bob);
      ctx.log(`  10 changed claims: up ${ten.report.stats.requests} requests ${kb(ten.report.stats.bytesUp)} KB ${round(ten.ms)} ms; read ${tenRead.report.stats.requests} requests ${kb(tenRead.report.stats.bytesDown)} KB ${round(tenRead.ms)} ms`);
      const changed = (await b.annotations.bulkGet(ids)).filter((x) => x?.body.note.startsWith('changed ')).length;
      if (changed !== 10) throw new Error(`the colleague has ${changed} of the 10 changes`);
      t = performance.now();
      const full2 = await fullExport(a);
      const export2Ms = performance.now() - t;
      t = performance.now();
      await importBytes(peerDb, full2, { window: dom });
      const import2Ms = performance.now() - t;
      figures.push(figure({ suite: 'team', measure: '10 changed claims: KB up', on, unit: 'KB', saqta: kb(ten.report.stats.bytesUp), peer: 'full export again', peerValue: kb(full2.length), note: `${ten.report.stats.requests} requests` }));
      figures.push(figure({ suite: 'team', measure: '10 changed claims: requests of the publishing sync', on, unit: 'count', saqta: ten.report.stats.requests, peer: 'full export (PUT + MOVE)', peerValue: 2, note: 'listing, PUT + MOVE of the part, PUT + MOVE of the manifest' }));
      figures.push(figure({ suite: 'team', measure: '10 changed claims: colleague KB down', on, unit: 'KB', saqta: kb(tenRead.report.stats.bytesDown), peer: 'full bundle download', peerValue: kb(full2.length), note: `${tenRead.report.stats.requests} requests` }));
      figures.push(figure({ suite: 'team', measure: '10 changed claims: publish + read time', on, unit: 'ms', saqta: round(ten.ms + tenRead.ms), peer: 'full export + import', peerValue: round(export2Ms + import2Ms), note: 'Node + fake IndexedDB; the peer import dedupes 10,000 claims' }));

      // A 20-member folder with nothing new.
      const members: { db: SaqtaDB; id: TeamIdentity }[] = [];
      let memberExports = 0;
      for (let m = 0; m < s.members - 2; m++) {
        const db = freshDb();
        await seed(db, text, 5, s.memberClaims / 5, `m${m}`, false);
        const id = await identity(`member-${String(m).padStart(2, '0')}`, `Member ${m}`);
        await timedSync(db, client('alice'), id, false); // publish only: the colleagues' reading is Bob's, measured below
        memberExports += (await fullExport(db)).length;
        members.push({ db, id });
      }
      memberExports += full2.length;
      await timedSync(b, client('bob'), bob); // reads the new members once
      const idle = await timedSync(b, client('bob'), bob);
      ctx.log(`  ${s.members}-member folder, nothing new: ${idle.report.stats.requests} requests, ${kb(idle.report.stats.bytesDown)} KB down, ${round(idle.ms)} ms (manifests unchanged: ${idle.report.manifests.unchanged})`);
      const folder = `${s.members}-member folder (${s.members - 1} colleagues), nothing new`;
      figures.push(figure({ suite: 'team', measure: 'read a folder with nothing new: requests', on: folder, unit: 'count', saqta: idle.report.stats.requests, peer: 'download every member’s export', peerValue: s.members - 1 }));
      figures.push(figure({ suite: 'team', measure: 'read a folder with nothing new: KB down', on: folder, unit: 'KB', saqta: kb(idle.report.stats.bytesDown), peer: 'every member’s full export', peerValue: kb(memberExports) }));
      figures.push(figure({ suite: 'team', measure: 'read a folder with nothing new: time', on: folder, unit: 'ms', saqta: round(idle.ms), peer: '—', peerValue: NaN, note: 'Apache on 127.0.0.1' }));
      details.sync = {
        first: { ms: first.ms, stats: first.report.stats },
        read1: { ms: read1.ms, stats: read1.report.stats },
        ten: { ms: ten.ms, stats: ten.report.stats },
        tenRead: { ms: tenRead.ms, stats: tenRead.report.stats },
        idle: { ms: idle.ms, stats: idle.report.stats, manifests: idle.report.manifests },
        peer: { fullBytes: full.length, exportMs, importMs, full2Bytes: full2.length, export2Ms, import2Ms, memberExports },
      };
      for (const x of [a, b, peerDb, ...members.map((m) => m.db)]) x.close();
      return { figures, notMeasured: [], details };
    } finally {
      await server.close();
    }
  },
};
