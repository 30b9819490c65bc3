// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { extractArticle, paragraphsOf } from '../../utils/extract';
import { compareArticles, unchanged } from '../../utils/watch/compare';
import { SEED, fixture } from '../paths';

function paragraphs(file: string): string[] {
  const dom = new JSDOM(readFileSync(fixture(SEED, file), 'utf8'), { url: 'http://127.0.0.1:8080/seed/index.html' });
  const a = extractArticle(dom.window.document, dom.window as unknown as Window & typeof globalThis)!;
  return paragraphsOf(new JSDOM(`<body>${a.html}</body>`).window.document.body);
}

const cases = JSON.parse(readFileSync(join(SEED, 'anchors.json'), 'utf8')).cases as { id: string; exact: string; onEdited: { text?: string; orphan?: boolean } }[];

describe('what changed between the saved seed article and edited.html', () => {
  const before = paragraphs('index.html');
  const after = paragraphs('edited.html');
  const report = compareArticles(before, after, cases.map((c) => ({ id: c.id, exact: c.exact })));

  it('counts the changed, removed and added paragraphs', () => {
    // Changed: the "12 млрд", quotes, typo and split paragraphs; the removed interview answer became "Жарнама".
    expect(report.summary.changed).toBeGreaterThanOrEqual(3);
    expect(report.summary.removed + report.summary.changed).toBeGreaterThanOrEqual(5);
    expect(report.summary.added).toBeGreaterThanOrEqual(2);
    expect(report.paragraphs.some((p) => p.kind === 'added' && p.text.startsWith('Жаңарту'))).toBe(true);
  });

  it('lists each edited claim with its words before and after, and nothing else', () => {
    const byId = new Map(report.claims.map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(['number-reworded', 'paragraph-removed', 'quotes-changed', 'typo-fixed-by-site']);
    const typo = byId.get('typo-fixed-by-site')!;
    expect(typo.kind).toBe('edited');
    expect(typo.before).toBe(cases.find((c) => c.id === 'typo-fixed-by-site')!.exact);
    expect(typo.after).toBe(cases.find((c) => c.id === 'typo-fixed-by-site')!.onEdited.text);
    expect(typo.words.filter((w) => w.op === 'del').map((w) => w.value)).toEqual(['журналисінт']);
    expect(typo.words.filter((w) => w.op === 'add').map((w) => w.value)).toEqual(['журналист']);
    const number = byId.get('number-reworded')!;
    expect(number.words.filter((w) => w.op !== 'same').map((w) => `${w.op}:${w.value}`)).toEqual(['del:млрд', 'add:миллиард']);
    expect(byId.get('quotes-changed')!.after).toBe('«саналы бойкот» туралы бастама көтеріп');
    const gone = byId.get('paragraph-removed')!;
    expect(gone.kind).toBe('removed');
    expect(gone.after).toBe('');
    expect(report.summary.claims).toBe(4);
  });

  it('finds nothing when the article is the same', () => {
    const same = compareArticles(before, [...before], cases);
    expect(unchanged(same)).toBe(true);
    expect(same.claims).toEqual([]);
  });

  it('reports a word replaced at the end of a claim with its replacement', () => {
    const r = compareArticles(['Бір екі үш төрт бес алты.'], ['Бір екі үш төрт бес жеті.'], [{ id: 'x', exact: 'үш төрт бес алты.' }]);
    expect(r.claims[0]).toMatchObject({ kind: 'edited', before: 'үш төрт бес алты.', after: 'үш төрт бес жеті.' });
  });
});

describe('the revisit digest', () => {
  it('differs between the seed article and its edited version, where the identity fingerprint does not', async () => {
    const { textDigest, textFingerprint } = await import('../../utils/anchoring/fingerprint');
    const doc = (file: string) => new JSDOM(readFileSync(fixture(SEED, file), 'utf8')).window.document.body;
    expect(textFingerprint(doc('index.html'))).toBe(textFingerprint(doc('edited.html')));
    expect(textDigest(doc('index.html'))).toMatch(/^td1:[0-9a-f]{32}$/);
    expect(textDigest(doc('index.html'))).not.toBe(textDigest(doc('edited.html')));
    expect(textDigest(doc('index.html'))).toBe(textDigest(doc('index.html')));
  });
});
