/**
 * claims.md: per article its title, URL and capture time, then each claim as
 * a quote with its tags (#tags, spaces as -) and note. Obsidian-friendly:
 * headings per article, block ids (^claim-…) to link a claim from a note.
 */
import { quoteOf } from '../annotation';
import type { BundleArticle } from './portable';
import { ex, exportLang, exportTime } from './i18n';
import { copyByline, shownCapture } from './html';

/** Every Markdown punctuation that can start markup (links, images `![x](…)`, HTML, entities, emphasis, code) is escaped: a quote stays text. */
const mdEscape = (s: string) =>
  s.replace(/([\\`*_[\]{}()<>#|!&~])/g, '\\$1').replace(/^(\s*)([-+=]|\d+[.)])/, (_m, sp: string, mark: string) => `${sp}${mark.replace(/([-+=.)])$/, '\\$1')}`);
const tagOf = (t: string) => '#' + t.trim().replace(/\s+/g, '-').replace(/[^\p{L}\p{N}_\-/]/gu, '');

/** `uiLang`: the reader's language (en, kk, ru) for Saqta's own words; English if absent. */
export function claimsMarkdown(articles: Pick<BundleArticle, 'page' | 'annotations' | 'captures' | 'shown'>[], title: string, created: string, uiLang?: string): string {
  const lang = exportLang(uiLang);
  const out: string[] = [`# ${mdEscape(title)}`, '', ex(lang, 'exp_exportedBy', exportTime(created, lang)), ''];
  for (const article of articles) {
    const { page, annotations } = article;
    out.push(`## ${mdEscape(page.title || page.url)}`, '');
    out.push(`- ${ex(lang, 'exp_url')}: <${page.url.replace(/>/g, '%3E')}>`);
    if (page.siteName) out.push(`- ${ex(lang, 'exp_site')}: ${mdEscape(page.siteName)}`);
    // The copy the export shows (the reader's own newest unless they chose a colleague's), and whose it is.
    const shown = shownCapture(article);
    const captured = shown?.capturedAt ?? page.savedAt;
    const by = copyByline(shown, lang);
    out.push(`- ${ex(lang, 'exp_captured')}: ${captured ? exportTime(captured, lang) : ex(lang, 'exp_notSaved')}${by ? ` · ${mdEscape(by)}` : ''}`, '');
    for (const a of annotations) {
      const quote = quoteOf(a)?.exact ?? '';
      out.push(...quote.split(/\r?\n/).map((l) => `> ${mdEscape(l)}`));
      const meta = [a.body.tags.length ? a.body.tags.map(tagOf).join(' ') : '', `${ex(lang, 'exp_colour')}: ${ex(lang, `color_${a.body.color}`).toLowerCase()}`, `${ex(lang, 'exp_created')}: ${exportTime(a.created, lang)}`]
        .filter(Boolean)
        .join(' · ');
      out.push('', meta);
      if (a.body.note) out.push('', ...a.body.note.split(/\r?\n/).map((l) => mdEscape(l)));
      out.push(`^claim-${a.id.replace(/^urn:uuid:/, '').slice(0, 8)}`, '');
    }
  }
  return out.join('\n');
}
