// @vitest-environment node
/**
 * Issue 24: a check record that cannot be cut. Records cut at the tail, in the middle or
 * reordered fail the chain itself; cut at the head, or a 451 rewritten as a 200 and every hash
 * redone, fail the signed datapackage (or verify only as an unknown key's); a checks.json the
 * datapackage lists but the file lacks fails; import keeps the records and the timeline shows them.
 */
import { describe, expect, it } from 'vitest';
import { zipSync, type Zippable } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { SaqtaDB } from '../../utils/db';
import { collectArticles } from '../../utils/export/collect';
import { concatBytes, listEntries, memorySource, unzipStrict } from '../../utils/zip/read';
import { importBytes } from '../../utils/import/import';
import { writeWacz } from '../../utils/wacz/write';
import { verifyWacz } from '../../utils/wacz/verify';
import { withChecks, recordCheck } from '../../utils/store/watch';
import { sealCheck, type CheckRecord } from '../../utils/watch/record';
import { verifyChain } from '../../utils/watch/chain';
import { checkEvidence } from '../../utils/evidence/check';
import { createKeyRecord } from '../../utils/evidence/keys';
import { signHash } from '../../utils/evidence/sign';
import { handle } from '../../utils/background/handle';
import { seedLibrary, htmlWindow } from './bundle-helpers';

const enc = new TextEncoder();
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

function chainOf(n: number, pageId = 'p1'): CheckRecord[] {
  const out: CheckRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push(sealCheck({ id: `c${i}`, pageId, url: 'https://news.example/a', at: `2026-12-0${i + 1}T00:00:00.000Z`, via: 'watch', outcome: i === 2 ? 'blocked' : 'unchanged', httpStatus: i === 2 ? 451 : 200, prevHash: out[i - 1]?.hash ?? null }));
  }
  return out;
}

describe('the check chain (issue 24)', () => {
  it('fails when records are cut at the tail or the middle, reordered, or one is edited', () => {
    const all = chainOf(5);
    expect(verifyChain(all, 'p1')).toMatchObject({ problems: [], count: 5, first: { id: 'c0' }, last: { id: 'c4' } });
    expect(verifyChain(all.slice(1), 'p1').problems).toEqual([expect.stringMatching(/oldest check records were removed/)]);
    expect(verifyChain([...all.slice(0, 2), ...all.slice(3)], 'p1').problems).toEqual([expect.stringMatching(/c3 .*the check before it is missing/)]);
    expect(verifyChain([all[0]!, all[2]!, all[1]!, all[3]!, all[4]!], 'p1').problems.length).toBeGreaterThan(0);
    const edited = all.map((c) => (c.id === 'c2' ? { ...c, httpStatus: 200 } : c));
    expect(verifyChain(edited, 'p1').problems).toEqual([expect.stringMatching(/c2 .*hash does not match/)]);
    expect(verifyChain(all, 'other').problems.length).toBe(5);
  });

  it('a signed export covers the head: cut at the head or a 451 rewritten and re-hashed fails; a missing checks.json fails; import keeps the records in the timeline', async () => {
    const db = await seedLibrary();
    const page = (await db.pages.toArray()).find((p) => p.lang === 'kk')!;
    for (const [i, status] of [200, 451, 200].entries()) {
      await recordCheck(db, { pageId: page.id, url: page.url, at: `2026-12-0${i + 1}T00:00:00.000Z`, via: 'watch', outcome: status === 451 ? 'blocked' : 'unchanged', httpStatus: status });
    }
    const key = await createKeyRecord(crypto.subtle);
    const chunks: Uint8Array[] = [];
    await writeWacz(withChecks(db, collectArticles(db, [page.id])), {
      title: 't', created: new Date(), software: 'test', total: 1,
      async digestFields(hash, datapackage) {
        const created = JSON.parse(text(datapackage)).created as string;
        return { signedData: await signHash(crypto.subtle, key, hash, 'test', new Date(created), created) };
      },
    }, (c) => void chunks.push(c));
    const signed = concatBytes(chunks);
    const checksPath = [...(await unzipStrict(signed)).keys()].find((n) => n.endsWith('/checks.json'))!;
    expect(checksPath).toBeTruthy();

    const verdict = async (bytes: Uint8Array) => {
      let trust = '';
      const report = await verifyWacz(memorySource(bytes), {
        async evidence(read) {
          const ev = await checkEvidence(crypto.subtle, read.files, { trustedKeys: [key.fingerprint] });
          trust = ev.trust;
          return ev.lines;
        },
      });
      return { ok: report.ok, trust, lines: report.lines };
    };
    const good = await verdict(signed);
    expect(good).toMatchObject({ ok: true, trust: 'proved' });
    expect(good.lines.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^3 check records, first 2026-12-01T00:00:00.000Z, last 2026-12-03T00:00:00.000Z/)]));

    const repack = async (change: (files: Map<string, Uint8Array>) => void, rehash: boolean) => {
      const files = await unzipStrict(signed);
      change(files);
      if (rehash) {
        const pkg = JSON.parse(text(files.get('datapackage.json')));
        pkg.resources = pkg.resources.filter((r: { path: string }) => files.has(r.path));
        for (const r of pkg.resources) Object.assign(r, { bytes: files.get(r.path)!.length, hash: `sha256:${bytesToHex(sha256(files.get(r.path)!))}` });
        const pkgBytes = enc.encode(JSON.stringify(pkg, null, 2));
        files.set('datapackage.json', pkgBytes);
        const digest = JSON.parse(text(files.get('datapackage-digest.json')));
        digest.hash = `sha256:${bytesToHex(sha256(pkgBytes))}`;
        digest.signedData.hash = digest.hash;
        files.set('datapackage-digest.json', enc.encode(JSON.stringify(digest, null, 2)));
      }
      const z: Zippable = {};
      for (const e of await listEntries(signed)) if (files.has(e.name)) z[e.name] = [files.get(e.name)!, { level: e.name.startsWith('archive/') ? 0 : 6 }];
      return zipSync(z);
    };
    const cutHead = (files: Map<string, Uint8Array>) => files.set(checksPath, enc.encode(JSON.stringify(JSON.parse(text(files.get(checksPath))).slice(0, 2), null, 2)));
    const rewrite451 = (files: Map<string, Uint8Array>) => {
      const list = JSON.parse(text(files.get(checksPath))) as CheckRecord[];
      const out: CheckRecord[] = [];
      for (const c of list) {
        const { hash: _h, ...rest } = c;
        out.push(sealCheck({ ...rest, ...(c.httpStatus === 451 ? { httpStatus: 200, outcome: 'unchanged' as const } : {}), prevHash: out.at(-1)?.hash ?? null }));
      }
      files.set(checksPath, enc.encode(JSON.stringify(out, null, 2)));
    };
    for (const [what, change] of [['head cut', cutHead], ['451 rewritten', rewrite451]] as const) {
      // Only checks.json changed: its hash in the datapackage fails.
      expect((await verdict(await repack(change, false))).ok, what).toBe(false);
      // Every hash redone without the key: the signature fails.
      const redone = await verdict(await repack(change, true));
      expect(redone.ok, what).toBe(false);
      expect(redone.lines.map((l) => l.message).join('\n')).toMatch(/signature does not match/);
    }
    // checks.json gone, but the datapackage still lists it.
    const missing = await verdict(await repack((files) => files.delete(checksPath), false));
    expect(missing.ok).toBe(false);
    expect(missing.lines.filter((l) => l.level === 'fail').map((l) => `${l.file}: ${l.message}`).join('\n')).toContain('checks.json');

    // Import keeps the records, and the timeline shows them.
    const other = new SaqtaDB(`chain-import-${Math.random()}`);
    await importBytes(other, signed, { window: await htmlWindow() });
    expect(await other.checks.count()).toBe(3);
    const timeline = await handle({ type: 'watch.timeline', pageId: page.id }, { db: other, version: 't', broadcast: () => undefined, storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }) });
    expect(timeline.ok).toBe(true);
    const entries = (timeline as { value: { entries: { kind?: string; check?: CheckRecord }[] } }).value.entries;
    expect(entries.filter((e) => JSON.stringify(e).includes('"httpStatus":451'))).toHaveLength(1);
    // Importing the same file again adds nothing twice; a cut chain is refused and changes nothing.
    await importBytes(other, signed, { window: await htmlWindow() });
    expect(await other.checks.count()).toBe(3);
    const third = new SaqtaDB(`chain-cut-${Math.random()}`);
    const tail = await repack((files) => files.set(checksPath, enc.encode(JSON.stringify(JSON.parse(text(files.get(checksPath))).slice(1), null, 2))), true);
    await expect(importBytes(third, tail, { window: await htmlWindow() })).rejects.toThrow(/oldest check records were removed|signature/);
    expect(await third.pages.count()).toBe(0);
  });
});
