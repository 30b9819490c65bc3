/**
 * A full disk in the middle of a write: every write request, failed at each
 * of its writes in turn (and in both ways browsers report it), answers with a
 * clear message and leaves the database exactly as it was — no page without
 * its claim, no tag without its claim, no half-saved copy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { pageKeys } from '../../utils/url';
import type { Annotation } from '../../utils/annotation';
import { dump, injectQuota } from './storage-helpers';

let deps: HandlerDeps;
let existing: Annotation;
let quota: ReturnType<typeof injectQuota> | undefined;

const quote = (exact: string) => [{ type: 'TextQuoteSelector' as const, exact, prefix: 'a ', suffix: ' b' }];
const page = (n: number) => ({ keys: pageKeys(`https://news.example/story-${n}`), title: `Мақала ${n}`, lang: 'kk' });

beforeEach(async () => {
  deps = {
    db: new SaqtaDB(`quota-${Math.random()}`),
    version: '1',
    broadcast: () => undefined,
    storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }),
  };
  // A library with something in it.
  const res = await handle({ type: 'annotation.create', page: page(1), selector: quote('бар'), body: { tags: ['arrest'], note: 'n', color: 'yellow' } }, deps);
  if (!res.ok) throw new Error(res.error.message);
  existing = (res.value as { annotation: Annotation }).annotation;
});
afterEach(() => quota?.restore());

/** The write requests Saqta has, each as a fresh request (ids may not repeat). */
const WRITES: Record<string, () => Record<string, unknown>> = {
  'annotation.create (new page, new tags)': () => ({
    type: 'annotation.create',
    page: page(2),
    selector: quote('Тоқаев'),
    body: { tags: ['EU letter', 'torture', 'arrest'], note: 'екі дерек көзі', color: 'pink' },
  }),
  'annotation.update (new tags and note)': () => ({
    type: 'annotation.update',
    id: existing.id,
    body: { tags: ['new one', 'another'], note: 'changed' },
  }),
  'annotation.restore (undo a delete, new tag)': () => ({
    type: 'annotation.restore',
    annotation: { ...existing, id: 'urn:uuid:restored', body: { ...existing.body, tags: ['brand new tag'] } },
  }),
  'annotation.anchorStates': () => ({ type: 'annotation.anchorStates', states: { [existing.id]: 'orphan' } }),
};

/** How many writes a request makes when nothing fails. */
async function countWrites(make: () => Record<string, unknown>): Promise<number> {
  const probe: HandlerDeps = { ...deps, db: new SaqtaDB(`probe-${Math.random()}`) };
  // Same starting state in the probe database.
  // Tags first: claims hold tag ids (v60), and a claim written before its tags row would make a second row for its name.
  const tables = Object.entries(await dump(deps.db)).sort(([a], [b]) => Number(b === 'tags') - Number(a === 'tags'));
  for (const [name, rows] of tables) await probe.db.table(name).bulkPut(rows); // put: copying claims already writes their claimTerms rows (v50 middleware)
  const counter = injectQuota('throw');
  const res = await handle(make(), probe);
  counter.restore();
  expect(res.ok).toBe(true);
  return counter.state.writes;
}

describe('quota exhausted mid-write', () => {
  for (const [name, make] of Object.entries(WRITES)) {
    it(`${name}: a clear message and no half-written record, whichever write fails`, async () => {
      const writes = await countWrites(make);
      expect(writes).toBeGreaterThan(0);
      for (const mode of ['throw', 'abort'] as const) {
        for (let k = 1; k <= writes; k++) {
          const before = await dump(deps.db);
          quota = injectQuota(mode, k);
          const res = await handle(make(), deps);
          quota.restore();
          expect(quota.state.failed, `${mode} at write ${k}`).toBe(true);
          expect(res, `${mode} at write ${k}`).toEqual({
            ok: false,
            error: { code: 'quota-exceeded', message: expect.stringMatching(/storage is full\. Nothing was changed/) },
          });
          expect(await dump(deps.db), `${mode} at write ${k}`).toEqual(before);
        }
      }
      // Space freed: the same request now succeeds, and the database is still usable.
      expect(await handle(make(), deps)).toMatchObject({ ok: true });
    });
  }
});

describe('quota exhausted mid-import', () => {
  it('a bundle import that hits a full disk at any write is refused and leaves the library unchanged', async () => {
    const { seedLibrary, exportBytes, htmlWindow } = await import('./bundle-helpers');
    const { importBytes } = await import('../../utils/import/import');
    const source = await seedLibrary();
    const bytes = await exportBytes(source);
    // Count the writes of a clean import.
    const probe = new SaqtaDB(`import-probe-${Math.random()}`);
    const counter = injectQuota('throw');
    await importBytes(probe, bytes, { window: await htmlWindow() });
    counter.restore();
    const writes = counter.state.writes;
    expect(writes).toBeGreaterThan(3);
    const target = deps.db;
    // Every write for small imports; a spread of them for big ones.
    const steps = writes <= 40 ? Array.from({ length: writes }, (_, i) => i + 1) : [1, 2, 3, Math.floor(writes / 2), writes - 1, writes];
    for (const mode of ['throw', 'abort'] as const) {
      for (const k of steps) {
        const before = await dump(target);
        quota = injectQuota(mode, k);
        const err = await importBytes(target, bytes, { window: await htmlWindow() }).then(
          () => null,
          (e: unknown) => e,
        );
        quota.restore();
        expect(quota.state.failed, `${mode} at write ${k}`).toBe(true);
        expect(err, `${mode} at write ${k}`).not.toBeNull();
        await target.settled();
        expect(await dump(target), `${mode} at write ${k}`).toEqual(before);
        // The error the library shows names the full disk.
        const { errorResult } = await import('../../utils/background/handle');
        expect(errorResult(err, target), `${mode} at write ${k}`).toMatchObject({ ok: false, error: { code: 'quota-exceeded' } });
      }
    }
    // With space again, the import goes through.
    await expect(importBytes(target, bytes, { window: await htmlWindow() })).resolves.toBeTruthy();
  });
});
