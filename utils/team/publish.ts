/**
 * Build this member's next part: what changed since the last one (pure over
 * the database; no network). The part goes into the outbox (the queue, in the
 * database) in the same transaction that records it as published, so a
 * background killed at any point either has the part queued or will find the
 * same changes again.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Annotation } from '../annotation';
import type { CaptureRecord, PageRecord, SaqtaDB } from '../db';
import { writeBundle } from '../bundle/write';
import type { BundleArticle } from '../export/portable';
import { blobText } from '../search/articles';
import { tagKey } from '../store/tags';
import { encrypt } from './crypto';
import { encodePart, partName, type PartHeader } from './part';
import type { PartCounts, TeamOutboxRecord } from './records';

/** What is shared: everything, or claims carrying one of these tags (and the saved copies of their articles). */
export type ShareScope = { kind: 'all' } | { kind: 'tags'; tags: string[] };

interface PublishOptions {
  member: string;
  scope: ShareScope;
  /** Team passphrase and this member's salt, when files are encrypted. */
  encryption?: { passphrase: string; salt: Uint8Array; iterations?: number };
  software: string;
  now?: Date;
  /** Share copies made by watch checks too (default: no). */
  shareWatch?: boolean;
}

const enc = new TextEncoder();
const hashOf = (v: unknown) => bytesToHex(sha256(enc.encode(JSON.stringify(v)))).slice(0, 32);

/** What a colleague sees of a claim: a change to any of it makes a new part. */
function claimHash(a: Annotation): string {
  return hashOf([a.target, a.body.tags, a.body.note, a.body.color, a.created]);
}

interface PendingChanges {
  claims: Annotation[];
  deleted: string[];
  captures: CaptureRecord[];
  pageIds: string[];
}

const isOwn = (r: { author?: unknown }) => !r.author;

/** The reader's own claims and copies not yet published as they are now. */
export async function pendingChanges(db: SaqtaDB, scope: ShareScope, opts: { shareWatch?: boolean } = {}): Promise<PendingChanges> {
  const published = new Map((await db.teamPublished.toArray()).map((r) => [r.key, r.hash]));
  const wanted = scope.kind === 'tags' ? new Set(scope.tags.map(tagKey)) : null;
  const inScope = (a: Annotation) => !wanted || a.body.tags.some((t) => wanted.has(tagKey(t)));
  const own = (await db.annotations.toArray()).filter((a) => isOwn(a) && inScope(a));
  const seen = new Set<string>();
  const claims: Annotation[] = [];
  for (const a of own) {
    seen.add(`a:${a.id}`);
    if (published.get(`a:${a.id}`) !== claimHash(a)) claims.push(a);
  }
  const deleted = [...published.keys()].filter((k) => k.startsWith('a:') && !seen.has(k)).map((k) => k.slice(2));
  const sharedPages = wanted ? new Set(own.map((a) => a.pageId)) : null;
  // Copies a watch check made on its own are not shared unless the reader chose so (issue 23).
  const captures = (await db.captures.toArray()).filter(
    (c) => isOwn(c) && (opts.shareWatch || c.notes?.by !== 'watch') && (!sharedPages || sharedPages.has(c.pageId)) && !published.has(`c:${c.id}`),
  );
  const pageIds = [...new Set([...claims.map((a) => a.pageId), ...captures.map((c) => c.pageId)])];
  return { claims, deleted, captures, pageIds };
}

function countsOf(p: PendingChanges): PartCounts {
  return { claims: p.claims.length, deleted: p.deleted.length, captures: p.captures.length, pages: p.pageIds.length };
}

/** Bytes of a bundle with these articles, through the one bundle writer. */
export async function bundleBytes(articles: BundleArticle[], title: string, created: Date, software: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  await writeBundle(articles, { title, created, software, total: articles.length }, (c) => {
    chunks.push(c);
    size += c.length;
  });
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function articlesFor(db: SaqtaDB, p: PendingChanges): Promise<BundleArticle[]> {
  const pages = (await db.pages.bulkGet(p.pageIds)).filter((x): x is PageRecord => !!x);
  const claimsBy = new Map<string, Annotation[]>();
  for (const a of p.claims) claimsBy.set(a.pageId, [...(claimsBy.get(a.pageId) ?? []), a]);
  const capturesBy = new Map<string, CaptureRecord[]>();
  for (const c of p.captures) capturesBy.set(c.pageId, [...(capturesBy.get(c.pageId) ?? []), c]);
  const blobIds = p.captures.flatMap((c) => c.artifacts.map((r) => r.blobId));
  const blobs = new Map((await db.blobs.bulkGet(blobIds)).filter((b) => !!b).map((b) => [b!.id, b!]));
  const out: BundleArticle[] = [];
  for (const page of pages) {
    const captures = (capturesBy.get(page.id) ?? [])
      .sort((a, b) => (a.capturedAt < b.capturedAt ? -1 : 1))
      .map((record) => ({ record, files: record.artifacts.flatMap((ref) => (blobs.get(ref.blobId) ? [{ ref, data: blobs.get(ref.blobId)!.data }] : [])) }));
    const newest = captures.at(-1)?.files.find((f) => f.ref.kind === 'article');
    out.push({
      page,
      annotations: (claimsBy.get(page.id) ?? []).map(({ author: _a, ...a }) => a),
      captures,
      articleHtml: newest ? await blobText(newest.data) : undefined,
    });
  }
  return out;
}

/** Make the next part if anything changed; null when nothing did. */
export async function buildPart(db: SaqtaDB, opts: PublishOptions): Promise<TeamOutboxRecord | null> {
  const pending = await pendingChanges(db, opts.scope, { shareWatch: opts.shareWatch });
  if (!pending.claims.length && !pending.deleted.length && !pending.captures.length) return null;
  const now = opts.now ?? new Date();
  const articles = await articlesFor(db, pending);
  const bundle = articles.length ? await bundleBytes(articles, `Saqta team part`, now, opts.software) : new Uint8Array(0);
  const counts = countsOf(pending);
  // Number and bytes first: WebCrypto may not be awaited inside an IndexedDB transaction.
  const lastPart = (await db.teamParts.orderBy('seq').last())?.seq ?? 0;
  const lastQueued = (await db.teamOutbox.orderBy('seq').last())?.seq ?? 0;
  const seq = Math.max(lastPart, lastQueued) + 1;
  const header: PartHeader = { format: 'saqta-team-part', version: 1, member: opts.member, seq, created: now.toISOString(), deleted: pending.deleted, counts };
  let data = encodePart(header, bundle);
  if (opts.encryption) data = await encrypt(data, opts.encryption.passphrase, opts.encryption.salt, opts.encryption.iterations);
  const hex = bytesToHex(sha256(data));
  const record: TeamOutboxRecord = {
    seq,
    name: partName(seq, hex),
    data: new Blob([data as BlobPart], { type: 'application/octet-stream' }),
    sha256: hex,
    bytes: data.length,
    created: now.toISOString(),
    counts,
    attempts: 0,
  };
  return db.transaction('rw', [db.teamOutbox, db.teamParts, db.teamPublished], async () => {
    // Callers run one sync at a time; a number taken meanwhile would be a bug, not a race to paper over.
    if ((await db.teamOutbox.get(seq)) || (await db.teamParts.get(seq))) throw new Error(`Team part ${seq} already exists.`);
    await db.teamOutbox.add(record);
    await db.teamPublished.bulkPut([
      ...pending.claims.map((a) => ({ key: `a:${a.id}`, hash: claimHash(a) })),
      ...pending.captures.map((c) => ({ key: `c:${c.id}`, hash: 'sent' })),
    ]);
    await db.teamPublished.bulkDelete(pending.deleted.map((id) => `a:${id}`));
    return record;
  });
}
