// @vitest-environment node
/**
 * Schema migrations from every earlier version, on saved databases
 * (tests/fixtures/db/vN.json): load the records into a database declared with
 * versions 1..N only, open it with the current SaqtaDB, and check that every
 * record survived and every upgrade step did its work.
 */
import Dexie from 'dexie';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SaqtaDB, SCHEMA } from '../../utils/db';
import { annotationTerms, claimTextTerms, pageTerms } from '../../utils/search/terms';
import { search } from '../../utils/search/query';
import { claimsTagged } from '../../utils/store/tag-ids';

const DIR = join(__dirname, '..', 'fixtures', 'db');
const versions = Object.keys(SCHEMA).map(Number).sort((a, b) => a - b);
const current = versions[versions.length - 1];

interface Fixture {
  version: number;
  tables: Record<string, Record<string, unknown>[]>;
}

const load = (v: number): Fixture => JSON.parse(readFileSync(join(DIR, `v${v}.json`), 'utf8'));

/** `{ $blob, type }` → Blob; everything else as is. */
function revive(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const [k, v] of Object.entries(out)) {
    if (v && typeof v === 'object' && '$blob' in v) {
      const b = v as { $blob: string; type: string };
      out[k] = new Blob([Buffer.from(b.$blob, 'base64')], { type: b.type });
    }
  }
  return out;
}

/** What each upgrade step must have done, checked on databases that came from before it. */
const UPGRADES: Record<number, (db: SaqtaDB, fx: Fixture) => Promise<void>> = {
  2: async (db, fx) => {
    for (const a of fx.tables.annotations) {
      const got = await db.annotations.get(a.id as string);
      expect(got?.anchor).toBe((a.anchor as string | undefined) ?? 'unknown');
    }
    expect(await db.annotations.where('anchor').equals('unknown').count()).toBe(
      fx.tables.annotations.filter((a) => !a.anchor || a.anchor === 'unknown').length,
    );
  },
};

UPGRADES[3] = async (db, fx) => {
  // v3 (library search): every claim and page gets its folded search terms, and the index answers
  // (since v50 a claim's are its text terms in claimTerms plus its tags by name: checked by UPGRADES[50]).
  for (const a of fx.tables.annotations) expect(annotationTerms(a as never).length).toBeGreaterThan(0);
  for (const p of fx.tables.pages) {
    const got = (await db.pages.get(p.id as string)) as unknown as { terms: string[] };
    expect(got.terms).toEqual(pageTerms(p as never));
  }
};

UPGRADES[20] = async (db, fx) => {
  // v20 (evidence): the key and queue tables exist, empty; captures keep every field and get no timestamp.
  expect(await db.keys.count()).toBe(0);
  expect(await db.stamps.count()).toBe(0);
  for (const c of fx.tables.captures) expect((await db.captures.get(c.id as string))?.timestamp).toBeUndefined();
  // A non-extractable CryptoKey survives the store (structured clone) and still signs.
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  await db.keys.add({ id: 'signing', privateKey: pair.privateKey, publicKey: pair.publicKey, spki: '', fingerprint: '', created: '' });
  const back = await db.keys.get('signing');
  expect(back?.privateKey.extractable).toBe(false);
  expect((await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, back!.privateKey, new Uint8Array(1))).byteLength).toBe(96);
  await db.stamps.add({ id: 'c', due: '2026-01-01T00:00:00.000Z', attempts: 0 });
  expect((await db.stamps.where('due').belowOrEqual('2026-06-01').first())?.id).toBe('c');
};

UPGRADES[40] = async (db, fx) => {
  // v40 (team sync): new, empty tables; every claim and copy already there stays the reader's own (no author),
  // so the first sync publishes them as the reader's.
  for (const t of [db.teamOutbox, db.teamParts, db.teamPublished, db.teamApplied, db.teamMembers]) expect(await t.count()).toBe(0);
  for (const a of fx.tables.annotations) expect((await db.annotations.get(a.id as string))?.author).toBeUndefined();
  for (const c of fx.tables.captures) expect((await db.captures.get(c.id as string))?.author).toBeUndefined();
  await db.teamApplied.put({ key: 'm-1/part-000001-00000000.saqta', member: 'm-1', name: 'part-000001-00000000.saqta', sha256: '0'.repeat(64), status: 'applied', at: '2026-11-27T00:00:00.000Z' });
  expect(await db.teamApplied.where('member').equals('m-1').count()).toBe(1);
};

describe('schema migrations on saved databases', () => {
  it('there is a saved database for every earlier schema version', () => {
    const missing = versions.filter((v) => v < current && !existsSync(join(DIR, `v${v}.json`)));
    expect(missing, 'add tests/fixtures/db/vN.json for each version (see its README)').toEqual([]);
  });

  for (const v of versions.filter((x) => existsSync(join(DIR, `v${x}.json`)))) {
    it(`opens a v${v} library with the current schema (v${current}) and keeps every record`, async () => {
      const fx = load(v);
      expect(fx.version).toBe(v);
      const name = `fixture-v${v}-${Math.random()}`;

      const old = new Dexie(name);
      for (const x of versions.filter((x) => x <= v)) old.version(x).stores(SCHEMA[x as keyof typeof SCHEMA]);
      await old.open();
      for (const [table, rows] of Object.entries(fx.tables)) await old.table(table).bulkAdd(rows.map(revive));
      old.close();

      const db = new SaqtaDB(name);
      await db.open();
      expect(db.verno).toBe(current);
      for (const [table, rows] of Object.entries(fx.tables)) {
        expect(await db.table(table).count(), table).toBe(rows.length);
        const keyPath = db.table(table).schema.primKey.keyPath as string;
        for (const row of rows) {
          const got = await db.table(table).get((row as Record<string, string>)[keyPath]!);
          const { data, ...plain } = row as Record<string, unknown>;
          // v50 moved claims' search terms off the claim (into claimTerms, checked by UPGRADES[50]).
          if (table === 'annotations') delete plain.terms;
          expect(got, `${table} ${row.id}`).toMatchObject(plain);
          if (data && typeof data === 'object' && '$blob' in data) {
            const bytes = new Uint8Array(await (got.data as Blob).arrayBuffer());
            expect(Buffer.from(bytes).toString('base64')).toBe((data as { $blob: string }).$blob);
          }
        }
      }
      // The indexes every version relies on answer on upgraded data.
      const page = fx.tables.pages[0] as { id: string; normalizedUrl: string; aliases: string[] };
      expect((await db.pages.where('normalizedUrl').equals(page.normalizedUrl).first())?.id).toBe(page.id);
      if (page.aliases[0]) expect((await db.pages.where('aliases').equals(page.aliases[0]).first())?.id).toBe(page.id);
      expect(await db.annotations.where('pageId').equals(page.id).count()).toBe(
        fx.tables.annotations.filter((a) => a.pageId === page.id).length,
      );
      const tag = (fx.tables.annotations[0].body as { tags: string[] }).tags[0];
      expect(await (await claimsTagged(db, [tag])).count()).toBe(
        fx.tables.annotations.filter((a) => (a.body as { tags: string[] }).tags.includes(tag)).length,
      );
      for (const step of versions.filter((x) => x > v)) await UPGRADES[step]?.(db, fx);
      db.close();
    });
  }
});

UPGRADES[30] = async (db) => {
  // v30 (watch): two new tables, empty after the upgrade, whose indexes answer.
  expect(await db.checks.count()).toBe(0);
  expect(await db.watches.count()).toBe(0);
  const page = (await db.pages.toCollection().first())!;
  await db.watches.put({ pageId: page.id, watched: 1, state: 'blocked' });
  await db.checks.add({ id: 'c1', pageId: page.id, url: page.url, at: '2026-11-30T06:00:00.000Z', via: 'watch', outcome: 'blocked', errorClass: 'reset', prevHash: null, hash: 'x' });
  expect(await db.watches.where('watched').equals(1).primaryKeys()).toEqual([page.id]);
  expect(await db.watches.where('state').equals('blocked').count()).toBe(1);
  expect(await db.checks.where('[pageId+at]').between([page.id, ''], [page.id, '\uffff']).count()).toBe(1);
};

UPGRADES[50] = async (db, fx) => {
  // v50 (library at scale): claims lose their `terms`; claimTerms holds each claim's quote and note terms,
  // one row per claim; search finds every claim by a word of its quote, of its note and of each tag, as before.
  expect(await db.claimTerms.count()).toBe(fx.tables.annotations.length);
  for (const a of fx.tables.annotations) {
    const got = (await db.annotations.get(a.id as string))!;
    expect((got as { terms?: unknown }).terms).toBeUndefined();
    expect((await db.claimTerms.get(a.id as string))?.terms).toEqual(claimTextTerms(a as never));
    const words = [claimTextTerms(a as never)[0]!, ...(a.body as { tags: string[] }).tags];
    for (const w of words) {
      const hits = await search(db, w, 200);
      expect(hits.hits.map((h) => h.id), `${a.id} by "${w}"`).toContain(a.id);
    }
  }
  // The old terms index on claims is gone; the new one answers.
  expect(db.annotations.schema.idxByName.terms).toBeUndefined();
  const first = claimTextTerms(fx.tables.annotations[0] as never)[0]!;
  expect(await db.claimTerms.where('terms').equals(first).count()).toBeGreaterThan(0);
};


UPGRADES[60] = async (db, fx) => {
  // v60 (issue 29): claims hold tag ids. On disk (no middleware: Dexie opened as the database is), no claim keeps a
  // name, and each id is the tags row of the name the claim had; read through SaqtaDB every claim has its names back.
  const raw = new Dexie(db.name);
  await raw.open();
  const tags = new Map(((await raw.table('tags').toArray()) as { id: string; name: string }[]).map((t) => [t.id, t.name]));
  for (const a of fx.tables.annotations) {
    const stored = (await raw.table('annotations').get(a.id as string)) as { body: { tags?: string[]; tagIds: string[] } };
    expect(stored.body.tags, `${a.id} on disk`).toBeUndefined();
    expect(stored.body.tagIds.map((id) => tags.get(id)), `${a.id} ids`).toEqual((a.body as { tags: string[] }).tags);
    expect((await db.annotations.get(a.id as string))?.body.tags).toEqual((a.body as { tags: string[] }).tags);
  }
  raw.close();
  // A rename writes the tags row alone: every claim shows the new name, and search finds them by it, not by the old one.
  const [first] = fx.tables.annotations as { id: string; body: { tags: string[] } }[];
  const old = first!.body.tags[0]!;
  const holders = fx.tables.annotations.filter((a) => (a.body as { tags: string[] }).tags.includes(old)).map((a) => a.id as string);
  const { renameTag } = await import('../../utils/store/tag-admin');
  expect(await renameTag(db, old, 'Bruxellesletter')).toEqual({ claims: holders.length, merged: false });
  for (const id of holders) expect((await db.annotations.get(id))?.body.tags).toContain('Bruxellesletter');
  expect((await search(db, 'bruxellesletter', 200)).hits.map((h) => h.id).sort()).toEqual(expect.arrayContaining(holders));
  expect(await (await claimsTagged(db, ['Bruxellesletter'])).count()).toBe(holders.length);
  expect(await (await claimsTagged(db, [old])).count()).toBe(0);
};
