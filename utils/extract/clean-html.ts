/**
 * Saved HTML from a bundle is never trusted because a page's CSP would block
 * it: on import, an article copy is sanitized with the same DOMPurify
 * configuration as at save time (utils/extract/sanitize.ts), and a page
 * snapshot with a document-level configuration that keeps its styles and
 * inlined resources but takes out everything that runs, loads, navigates or
 * posts (scripts, handlers, `javascript:` and other non-web URLs, frames'
 * sources, objects, `<base>`, form actions, meta refresh: forms stay, inert,
 * with the values the reader saw), then
 * gets Saqta's snapshot policy (no network, no scripts, `form-action 'none'`)
 * as its first `<head>` element. Same-origin frames inlined as `srcdoc` are
 * cleaned the same way, recursively.
 *
 * What a legitimate copy holds is never changed: the cleaned HTML replaces
 * the bundle's bytes only when something dangerous was removed, so a copy's
 * SHA-256 stays the one recorded at capture time unless it had to change (the
 * import summary then says so). `npm run verify` runs the same checks (jsdom
 * in Node) and fails such a bundle.
 *
 * Pure: takes the window DOMPurify works in (the library page's, or jsdom's).
 */
import createDOMPurify from 'dompurify';
import { sanitizeArticleReport, type RemovedItem } from './sanitize';
import { SNAPSHOT_CSP } from '../snapshot/types';

type Win = Window & typeof globalThis;

export interface CleanResult {
  html: string;
  /** What was dangerous and removed, e.g. "<script> ×2", "onerror ×1"; empty when the copy is kept as it is. */
  removed: string[];
}

const DANGEROUS_TAGS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'isindex']);
/** Form controls: a snapshot keeps them (with the values the reader saw, posting nowhere); an article copy never has them. */
const FORM_TAGS = new Set(['form', 'input', 'button', 'textarea', 'select']);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'ping', 'srcdoc', 'background', 'poster', 'srcset', 'codebase', 'cite']);

const SNAPSHOT_CONFIG = {
  WHOLE_DOCUMENT: true,
  ADD_TAGS: ['iframe', 'link'],
  ADD_ATTR: ['srcdoc', 'shadowrootmode', 'shadowrootdelegatesfocus', 'shadowrootclonable', 'charset', 'name', 'content'],
  FORBID_TAGS: ['script', 'meta', 'object', 'embed', 'applet', 'base', 'frame', 'frameset', 'portal'],
  FORBID_ATTR: ['action', 'formaction', 'ping', 'http-equiv'],
  ALLOW_DATA_ATTR: true,
  // Web links, in-page anchors, relative links (index.html to the reader copies) and inlined resources only.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|data:(?:image|font|text\/css|application\/font|audio|video)[/;,a-z0-9+.-]*|blob:|[^a-z]|[a-z+.-]+(?:[^a-z+.:-]|$))/i,
  ADD_URI_SAFE_ATTR: ['srcdoc'],
  SANITIZE_DOM: false,
};

const purifiers = new WeakMap<object, ReturnType<typeof createDOMPurify>>();
function snapshotPurifier(win: Win) {
  let p = purifiers.get(win);
  if (!p) {
    purifiers.set(win, (p = createDOMPurify(win)));
    // Frames keep only their inlined document (cleaned before); a link only a data: stylesheet or icon.
    p.addHook('uponSanitizeAttribute', (node, data) => {
      const tag = node.nodeName.toLowerCase();
      if ((tag === 'iframe' && data.attrName === 'src' && !/^about:blank$/i.test(data.attrValue.trim())) || (tag === 'link' && data.attrName === 'href' && !/^data:/i.test(data.attrValue.trim()))) {
        data.keepAttr = false;
      }
    });
  }
  return p;
}

/** A <link> that only names another address (canonical, alternate…) loads nothing: not a reason to change a copy. */
function onlyNames(el: Element): boolean {
  const rel = (el.getAttribute?.('rel') ?? '').trim().split(/\s+/).filter(Boolean);
  return rel.length > 0 && rel.every((r) => /^(canonical|alternate|author|license|help|next|prev|shortlink|bookmark|me|amphtml)$/i.test(r));
}

/** Summarize DOMPurify's removals, keeping only what could run, load, navigate or post. */
function dangerous(items: RemovedItem[], anyForm: boolean): string[] {
  const counts = new Map<string, number>();
  const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const it of items) {
    if ('element' in it) {
      const el = it.element as Element;
      const tag = el.nodeName?.toLowerCase() ?? '';
      if (tag === 'meta') {
        const eq = el.getAttribute?.('http-equiv')?.toLowerCase();
        if (eq && eq !== 'content-security-policy') add(`meta ${eq}`);
      } else if (tag === 'link') {
        if (!/^data:/i.test(el.getAttribute?.('href') ?? '') && !onlyNames(el)) add('<link>');
      } else if (FORM_TAGS.has(tag)) {
        if (anyForm) add(`<${tag}>`);
        else if (el.hasAttribute?.('action') || el.hasAttribute?.('formaction')) add(`<${tag}> posting to an address`);
      } else if (DANGEROUS_TAGS.has(tag)) add(`<${tag}>`);
    } else {
      const name = it.attribute?.name?.toLowerCase() ?? '';
      const value = it.attribute?.value ?? '';
      const from = (it as { from?: Element }).from;
      if (name === 'href' && from?.nodeName?.toLowerCase() === 'link' && onlyNames(from)) continue;
      if (name.startsWith('on')) add(name);
      else if (name === 'action' || name === 'formaction') add(`form ${name}`);
      else if (URL_ATTRS.has(name) && value.trim()) add(/^\s*(javascript|vbscript):/i.test(value) ? `${value.trim().split(':')[0]!.toLowerCase()}: ${name}` : `${name} address`);
    }
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`);
}

/** A saved article copy, cleaned with the save-time configuration. */
export function cleanArticleHtml(html: string, win: Win): CleanResult {
  const { html: out, removed } = sanitizeArticleReport(html, win);
  // DOMPurify drops a whole document's <head> without listing it: look at the document too.
  const p = snapshotPurifier(win);
  p.sanitize(html, SNAPSHOT_CONFIG);
  const found = [...new Set([...dangerous(p.removed as RemovedItem[], true), ...dangerous(removed, true)])];
  return { html: found.length ? out : html, removed: found };
}

/** A page snapshot (a whole document), cleaned; frames' `srcdoc` documents first, recursively. */
export function cleanSnapshotHtml(html: string, win: Win, depth = 0): CleanResult {
  const removed: string[] = [];
  let source = html;
  if (/<i?frame\b[^>]*\bsrcdoc\s*=/i.test(html) && depth < 8) {
    const doc = new win.DOMParser().parseFromString(html, 'text/html');
    let changed = false;
    for (const f of Array.from(doc.querySelectorAll('iframe[srcdoc]'))) {
      const inner = cleanSnapshotHtml(f.getAttribute('srcdoc') ?? '', win, depth + 1);
      if (inner.removed.length) {
        f.setAttribute('srcdoc', inner.html);
        removed.push(...inner.removed.map((r) => `frame: ${r}`));
        changed = true;
      }
    }
    if (changed) source = `<!doctype html>\n${doc.documentElement.outerHTML}`;
  }
  const p = snapshotPurifier(win);
  const out = p.sanitize(source, SNAPSHOT_CONFIG) as string;
  removed.push(...dangerous(p.removed as RemovedItem[], false));
  if (!removed.length) return { html, removed };
  // Every <meta> went (a refresh among them): the charset and Saqta's policy come back first.
  const policy = `<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${SNAPSHOT_CSP}">`;
  const withPolicy = /<head[^>]*>/i.test(out) ? out.replace(/<head([^>]*)>/i, `<head$1>${policy}`) : `${policy}${out}`;
  return { html: `<!doctype html>\n${withPolicy}`, removed };
}

/** Clean by artifact kind; other kinds (the raw source, images) are not HTML Saqta shows. */
export function cleanSavedHtml(kind: string, html: string, win: Win): CleanResult {
  if (kind === 'article') return cleanArticleHtml(html, win);
  if (kind === 'snapshot') return cleanSnapshotHtml(html, win);
  return { html, removed: [] };
}
