// @vitest-environment node
/**
 * Issue 23, "colleagues' copies stay theirs": which copy the reader's views, exports and signatures use.
 * The pure rule (utils/store/copy-choice.ts), the background's page.chooseCopy, and exports that label a
 * chosen colleague's copy with its member and key fingerprint.
 */
import { describe, expect, it } from 'vitest';
import { canChoose, choiceInForce, shownCopy, type CopyLike } from '../../utils/store/copy-choice';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { collectArticles } from '../../utils/export/collect';
import { readerHtml } from '../../utils/export/html';
import { claimsMarkdown } from '../../utils/export/markdown';
import { checkPage } from '../../utils/export/records';
import { portablePage } from '../../utils/export/portable';
import type { Event } from '../../utils/messages';
import type { SaqtaDB } from '../../utils/db';
import { freshDb, saveCopy } from './team-helpers';

const FP = 'AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12';
const aigerim = { id: 'alice-1a2b3c', name: 'Aigerim', unconfirmed: true, fingerprint: FP };
const mine1: CopyLike = { id: 'm1', capturedAt: '2026-11-01T10:00:00.000Z' };
const mine2: CopyLike = { id: 'm2', capturedAt: '2026-11-03T10:00:00.000Z' };
const hers: CopyLike = { id: 'a1', capturedAt: '2026-11-05T10:00:00.000Z', author: aigerim };
const hersOld: CopyLike = { id: 'a0', capturedAt: '2026-10-05T10:00:00.000Z', author: aigerim };

describe('the choice rule', () => {
  it('is the reader’s own newest copy without a choice, even when a colleague’s is newer', () => {
    expect(shownCopy([mine1, hers, mine2])?.id).toBe('m2');
    expect(shownCopy([hers, mine1])?.id).toBe('m1');
  });
  it('is the colleague’s copy the reader chose, older or newer than their own', () => {
    expect(shownCopy([mine1, mine2, hers], 'a1')?.id).toBe('a1');
    expect(shownCopy([mine1, mine2, hersOld, hers], 'a0')?.id).toBe('a0');
    expect(choiceInForce([mine1, hers], 'a1')).toBe(true);
  });
  it('ignores a choice of the reader’s own copy or of a copy that is gone (back to the own newest)', () => {
    expect(shownCopy([mine1, mine2, hers], 'm1')?.id).toBe('m2');
    expect(choiceInForce([mine1, mine2], 'm1')).toBe(false);
    expect(shownCopy([mine1, mine2, hers], 'deleted')?.id).toBe('m2');
    expect(choiceInForce([mine1, hers], 'deleted')).toBe(false);
  });
  it('uses the newest colleague copy only when the reader has none, and nothing when there is none', () => {
    expect(shownCopy([hersOld, hers])?.id).toBe('a1');
    expect(shownCopy([], 'a1')).toBeUndefined();
    expect(canChoose(hers)).toBe(true);
    expect(canChoose(mine1)).toBe(false);
  });
  it('gives the same answer for equal times whatever the order', () => {
    const a = { id: 'x1', capturedAt: mine1.capturedAt };
    const b = { id: 'x2', capturedAt: mine1.capturedAt };
    expect(shownCopy([a, b])?.id).toBe(shownCopy([b, a])?.id);
  });
});

/** R's library: R saved the article twice; Aigerim's copy (team sync, set up as apply.ts labels it) is the newest. */
async function library(): Promise<{ db: SaqtaDB; deps: HandlerDeps & { events: Event[] }; pageId: string; own: string; theirs: string; other: string }> {
  const db = freshDb('choice');
  await saveCopy(db, undefined, '<article><p>R first saved this.</p></article>');
  const own = await saveCopy(db, undefined, '<article><p>R saved this page.</p></article>');
  const theirs = await saveCopy(db, undefined, '<article><p>Aigerim’s version of the page.</p></article>');
  await db.captures.update(theirs.id, { author: aigerim });
  const elsewhere = await saveCopy(db, 'https://news.example.kz/2026/11/other', '<article><p>Another article.</p></article>');
  await db.captures.update(elsewhere.id, { author: aigerim });
  const events: Event[] = [];
  const deps = { db, version: '0', broadcast: (e: Event) => void events.push(e), storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }), events };
  return { db, deps, pageId: own.pageId, own: own.id, theirs: theirs.id, other: elsewhere.id };
}

async function exported(db: SaqtaDB, pageId: string) {
  const out = [];
  for await (const a of collectArticles(db, [pageId])) out.push(a);
  return out[0]!;
}

describe('page.chooseCopy and what uses the choice', () => {
  it('views and exports use the chosen colleague copy, labelled with member and fingerprint, until the reader goes back', async () => {
    const { db, deps, pageId, own, theirs } = await library();
    const before = await db.pages.get(pageId);
    // No choice: the reader's own newest.
    expect(await handle({ type: 'page.byId', pageId }, deps)).toMatchObject({ ok: true, value: { capture: { id: own } } });
    let art = await exported(db, pageId);
    expect(art.shown).toBe(own);
    expect(art.articleHtml).toContain('R saved this page.');
    expect(readerHtml(art, { lang: 'en' })).not.toContain('team colleague');

    // Chosen: the view, the export's article, its time and its label are Aigerim's copy.
    const res = await handle({ type: 'page.chooseCopy', pageId, captureId: theirs }, deps);
    expect(res).toMatchObject({ ok: true, value: { capture: { id: theirs }, page: { chosenCopy: theirs } } });
    expect(deps.events).toContainEqual({ event: 'copy.chosen', pageId });
    expect((await db.pages.get(pageId))!.updatedAt).toBe(before!.updatedAt);
    art = await exported(db, pageId);
    expect(art.shown).toBe(theirs);
    expect(art.articleHtml).toContain('Aigerim’s version');
    const html = readerHtml(art, { lang: 'en' });
    const theirTime = (await db.captures.get(theirs))!.capturedAt;
    expect(html).toContain(`datetime="${theirTime}"`);
    expect(html).toContain('Copy captured by Aigerim, a team colleague; key fingerprint AB12 CD34 EF56 AB12 CD34 EF56 AB12 CD34 EF56 AB12 CD34 EF56 AB12 CD34 EF56 AB12 (not confirmed by the exporter)');
    expect(readerHtml(art, { lang: 'kk' })).toContain('Көшірмені командадағы әріптес Aigerim сақтаған');
    expect(readerHtml(art, { lang: 'ru' })).toContain('Копию сохранил коллега по команде Aigerim');
    expect(claimsMarkdown([art], 'Export', new Date().toISOString(), 'en')).toMatch(/Copy captured by Aigerim, a team colleague; key fingerprint AB12 .* \\\(not confirmed by the exporter\\\)/); // Markdown-escaped parentheses
    // The choice is the reader's: not in the exported page record.
    expect(portablePage((await db.pages.get(pageId))!)).not.toHaveProperty('chosenCopy');

    // Once the reader confirms her key, the label says so.
    await db.captures.update(theirs, { author: { ...aigerim, unconfirmed: undefined } });
    expect(readerHtml(await exported(db, pageId), { lang: 'en' })).toContain('(confirmed by the exporter)');

    // Undone: back to the reader's own newest.
    expect(await handle({ type: 'page.chooseCopy', pageId, captureId: null }, deps)).toMatchObject({ ok: true, value: { capture: { id: own } } });
    expect(await db.pages.get(pageId)).not.toHaveProperty('chosenCopy');
    art = await exported(db, pageId);
    expect(art.shown).toBe(own);
    expect(readerHtml(art, { lang: 'en' })).not.toContain('team colleague');
  });

  it('refuses the reader’s own copy, another article’s copy, an unknown copy or page; the choice stays as it was', async () => {
    const { db, deps, pageId, own, theirs, other } = await library();
    await handle({ type: 'page.chooseCopy', pageId, captureId: theirs }, deps);
    expect(await handle({ type: 'page.chooseCopy', pageId, captureId: own }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await handle({ type: 'page.chooseCopy', pageId, captureId: other }, deps)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await handle({ type: 'page.chooseCopy', pageId, captureId: 'nope' }, deps)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await handle({ type: 'page.chooseCopy', pageId: 'nope', captureId: theirs }, deps)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await handle({ type: 'page.chooseCopy', pageId, captureId: 42 } as never, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect((await db.pages.get(pageId))!.chosenCopy).toBe(theirs);
  });

  it('a chosen copy deleted since falls back to the reader’s own newest', async () => {
    const { db, deps, pageId, own, theirs } = await library();
    await handle({ type: 'page.chooseCopy', pageId, captureId: theirs }, deps);
    await db.captures.delete(theirs);
    expect(await handle({ type: 'page.byId', pageId }, deps)).toMatchObject({ ok: true, value: { capture: { id: own } } });
    expect((await exported(db, pageId)).shown).toBe(own);
  });

  it('a file or a colleague’s part cannot make the choice for the reader (page.json’s chosenCopy is dropped)', () => {
    const page = checkPage(
      { id: 'p1', url: 'https://news.example.kz/a', title: 'A', aliases: [], createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', chosenCopy: 'm-hostile-copy' },
      'articles/a/page.json',
    );
    expect(page).not.toHaveProperty('chosenCopy');
  });
});
