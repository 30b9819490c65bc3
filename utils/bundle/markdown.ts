/**
 * claims.md: per article its title, URL and capture time, then each claim as
 * a quote with its tags (#tags, spaces as -) and note. Obsidian-friendly:
 * headings per article, block ids (^claim-…) to link a claim from a note.
 */
import { quoteOf } from '../annotation';
import type { BundleArticle } from './format';

const mdEscape = (s: string) => s.replace(/([\\`*_[\]<>#|])/g, '\\$1');
const tagOf = (t: string) => '#' + t.trim().replace(/\s+/g, '-').replace(/[^\p{L}\p{N}_\-/]/gu, '');

export function claimsMarkdown(articles: Pick<BundleArticle, 'page' | 'annotations' | 'captures'>[], title: string, created: string): string {
  const out: string[] = [`# ${mdEscape(title)}`, '', `Exported by Saqta on ${created}.`, ''];
  for (const { page, annotations, captures } of articles) {
    out.push(`## ${mdEscape(page.title || page.url)}`, '');
    out.push(`- URL: <${page.url.replace(/>/g, '%3E')}>`);
    if (page.siteName) out.push(`- Site: ${mdEscape(page.siteName)}`);
    const captured = captures.map((c) => c.record.capturedAt).sort().at(-1) ?? page.savedAt;
    out.push(`- Captured: ${captured ?? 'not saved (claims only)'}`, '');
    for (const a of annotations) {
      const quote = quoteOf(a)?.exact ?? '';
      out.push(...quote.split(/\r?\n/).map((l) => `> ${l}`));
      const meta = [a.body.tags.length ? a.body.tags.map(tagOf).join(' ') : '', `colour: ${a.body.color}`, `created: ${a.created}`]
        .filter(Boolean)
        .join(' · ');
      out.push('', meta);
      if (a.body.note) out.push('', ...a.body.note.split(/\r?\n/).map((l) => mdEscape(l)));
      out.push(`^claim-${a.id.replace(/^urn:uuid:/, '').slice(0, 8)}`, '');
    }
  }
  return out.join('\n');
}
