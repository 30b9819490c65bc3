/**
 * The page half of an archival snapshot: serialize the document as the reader
 * sees it, into an inert copy (no image loads, no scripts while we work).
 * Pure DOM: runs in the injected capture script and in jsdom tests.
 *
 * Kept: the DOM as it is now (after the site's scripts ran), the image
 * actually shown (currentSrc; lazy images the site loaded), canvas pixels,
 * open shadow roots (as declarative shadow DOM), same-origin iframes, form
 * values. Dropped: scripts, event handlers, javascript: URLs, meta refresh,
 * form actions, preloads, the page's own CSP and <base>.
 */
import { shownSrc } from '../extract/images';
import { FRAME, RES, SHEET, SNAPSHOT_CSP, type PageSnapshot } from './types';

interface SnapshotOptions {
  /** Shadow root of an element, open or (where the platform allows) closed. */
  shadowRootOf?: (el: Element) => ShadowRoot | null;
  /** Elements to leave out (e.g. Saqta's own UI host). */
  skip?: (el: Element) => boolean;
  /** Max nesting of frames. */
  maxFrameDepth?: number;
}

const DROP_TAGS = new Set(['SCRIPT', 'NOSCRIPT', 'BASE', 'OBJECT', 'EMBED', 'APPLET', 'PORTAL']);
const DROP_LINK_REL = /\b(preload|prefetch|modulepreload|preconnect|dns-prefetch|prerender|manifest|serviceworker|pingback)\b/i;
const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background', 'cite', 'longdesc', 'ping'];

function absolute(url: string, base: string): string | null {
  try {
    return new URL(url.trim(), base).href;
  } catch {
    return null;
  }
}

class Builder {
  resources: string[] = [];
  sheets: PageSnapshot['sheets'] = [];
  frames: PageSnapshot[] = [];
  constructor(
    readonly doc: Document,
    readonly out: Document,
    readonly opts: SnapshotOptions,
    readonly depth: number,
  ) {}

  res(url: string | null): string {
    if (!url) return '';
    if (/^data:/i.test(url)) return url;
    if (!/^https?:/i.test(url)) return '';
    let i = this.resources.indexOf(url);
    if (i < 0) i = this.resources.push(url) - 1;
    return `${RES}${i}`;
  }

  sheet(s: PageSnapshot['sheets'][number]): string {
    return `/*${SHEET}${this.sheets.push(s) - 1}*/`;
  }

  /** url(...) in a style attribute → resources. */
  styleUrls(style: string, base: string): string {
    return style.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/gi, (_m, _q, u: string) => `url(${this.res(absolute(u, base))})`);
  }

  /** A live node and its inert copy: fix the copy from what the live one shows. */
  pair(live: Node, copy: Node): void {
    if (live.nodeType !== 1) return;
    const el = live as Element;
    const c = copy as Element;
    if (DROP_TAGS.has(el.tagName) || this.opts.skip?.(el)) {
      c.remove();
      return;
    }
    // Children first (pairs by position, before this element's copy changes).
    const lk = [...el.childNodes];
    const ck = [...c.childNodes];
    if (lk.length === ck.length) lk.forEach((n, i) => this.pair(n, ck[i]));
    this.element(el, c);
    this.shadow(el, c);
  }

  shadow(el: Element, c: Element): void {
    const root = this.opts.shadowRootOf?.(el) ?? (el as HTMLElement).shadowRoot ?? null;
    if (!root) return;
    const tpl = this.out.createElement('template');
    tpl.setAttribute('shadowrootmode', 'open');
    if (root.delegatesFocus) tpl.setAttribute('shadowrootdelegatesfocus', '');
    for (const sheet of (root as ShadowRoot & { adoptedStyleSheets?: CSSStyleSheet[] }).adoptedStyleSheets ?? []) {
      const style = this.out.createElement('style');
      style.textContent = this.sheet({ text: rulesText(sheet), base: this.doc.baseURI });
      tpl.content.appendChild(style);
    }
    for (const child of root.childNodes) {
      const copy = this.out.importNode(child, true);
      tpl.content.appendChild(copy);
      this.pair(child, copy);
    }
    c.insertBefore(tpl, c.firstChild);
  }

  element(el: Element, c: Element): void {
    const base = this.doc.baseURI;
    // Handlers and script URLs, on every element.
    for (const attr of [...c.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) c.removeAttribute(attr.name);
      else if (URL_ATTRS.includes(name) && /^\s*(javascript|vbscript):/i.test(attr.value)) c.removeAttribute(attr.name);
      else if (name === 'nonce' || name === 'integrity') c.removeAttribute(attr.name);
    }
    const style = c.getAttribute('style');
    if (style && /url\(/i.test(style)) c.setAttribute('style', this.styleUrls(style, base));
    c.removeAttribute('action');
    c.removeAttribute('formaction');

    switch (el.tagName) {
      case 'IMG': {
        const src = shownSrc(el as HTMLImageElement, base);
        c.setAttribute('src', this.res(src));
        for (const a of ['srcset', 'sizes', 'loading', 'data-src', 'data-srcset', 'data-lazy-src']) c.removeAttribute(a);
        break;
      }
      case 'SOURCE':
        // <picture>/<video> sources: the <img> carries what was shown.
        c.remove();
        break;
      case 'VIDEO':
      case 'AUDIO': {
        c.removeAttribute('src');
        c.removeAttribute('autoplay');
        const poster = el.getAttribute('poster');
        if (poster) c.setAttribute('poster', this.res(absolute(poster, base)));
        break;
      }
      case 'INPUT': {
        const input = el as HTMLInputElement;
        if (input.type === 'password' || input.type === 'hidden') c.setAttribute('value', '');
        else if (input.type === 'checkbox' || input.type === 'radio') {
          if (input.checked) c.setAttribute('checked', '');
          else c.removeAttribute('checked');
        } else if (input.type === 'image') c.setAttribute('src', this.res(absolute(input.getAttribute('src') ?? '', base)));
        else c.setAttribute('value', input.value);
        break;
      }
      case 'TEXTAREA':
        c.textContent = (el as HTMLTextAreaElement).value;
        break;
      case 'OPTION':
        if ((el as HTMLOptionElement).selected) c.setAttribute('selected', '');
        else c.removeAttribute('selected');
        break;
      case 'CANVAS': {
        let data = '';
        try {
          data = (el as HTMLCanvasElement).toDataURL('image/png');
        } catch {
          /* a tainted canvas keeps its secret */
        }
        const img = this.out.createElement('img');
        for (const a of c.attributes) img.setAttribute(a.name, a.value);
        const rect = el.getBoundingClientRect?.();
        if (!img.hasAttribute('width') && rect?.width) img.setAttribute('width', String(Math.round(rect.width)));
        if (!img.hasAttribute('height') && rect?.height) img.setAttribute('height', String(Math.round(rect.height)));
        if (data && data !== 'data:,') img.setAttribute('src', data);
        c.replaceWith(img);
        break;
      }
      case 'LINK': {
        const rel = el.getAttribute('rel') ?? '';
        const href = absolute(el.getAttribute('href') ?? '', base);
        if (/\bstylesheet\b/i.test(rel) && !/\balternate\b/i.test(rel)) {
          const sheet = (el as HTMLLinkElement).sheet;
          const text = sheet ? tryRulesText(sheet) : null;
          const styleEl = this.out.createElement('style');
          const media = el.getAttribute('media');
          if (media) styleEl.setAttribute('media', media);
          styleEl.textContent = this.sheet(text !== null ? { text, base: href ?? base } : { href: href ?? undefined, base: href ?? base });
          c.replaceWith(styleEl);
        } else if (/\bicon\b/i.test(rel)) {
          c.setAttribute('href', this.res(href));
        } else if (DROP_LINK_REL.test(rel) || /\bstylesheet\b/i.test(rel)) {
          c.remove();
        }
        break;
      }
      case 'STYLE': {
        const sheet = (el as HTMLStyleElement).sheet;
        // CSS-in-JS pages insert rules into an empty <style>: take the live rules then.
        const text = el.textContent?.trim() ? el.textContent : sheet ? tryRulesText(sheet) ?? '' : '';
        c.textContent = this.sheet({ text: text ?? '', base });
        break;
      }
      case 'META': {
        const equiv = el.getAttribute('http-equiv')?.toLowerCase();
        if (equiv === 'refresh' || equiv === 'content-security-policy' || equiv === 'set-cookie') c.remove();
        break;
      }
      case 'IFRAME':
      case 'FRAME': {
        const frame = el as HTMLIFrameElement;
        let inner: Document | null = null;
        try {
          inner = frame.contentDocument;
        } catch {
          inner = null;
        }
        c.removeAttribute('src');
        c.removeAttribute('srcdoc');
        c.removeAttribute('sandbox');
        if (inner?.documentElement && this.depth < (this.opts.maxFrameDepth ?? 3)) {
          this.frames.push(snapshotDocument(inner, this.opts, this.depth + 1));
          c.setAttribute('srcdoc', `${FRAME}${this.frames.length - 1}`);
        }
        break;
      }
      case 'A':
      case 'AREA': {
        const href = el.getAttribute('href');
        if (href && !href.startsWith('#') && !/^\s*javascript:/i.test(href)) {
          const abs = absolute(href, base);
          if (abs) c.setAttribute('href', abs);
        }
        c.removeAttribute('ping');
        break;
      }
      default:
        if (el.namespaceURI === 'http://www.w3.org/2000/svg' && el.tagName.toLowerCase() === 'image') {
          const href = el.getAttribute('href') ?? el.getAttribute('xlink:href');
          if (href) {
            c.removeAttribute('xlink:href');
            c.setAttribute('href', this.res(absolute(href, base)));
          }
        }
        if (el.namespaceURI === 'http://www.w3.org/2000/svg' && el.tagName.toLowerCase() === 'use') {
          const href = el.getAttribute('href') ?? el.getAttribute('xlink:href') ?? '';
          // Only same-document sprites can be kept (external ones would fetch).
          if (href && !href.startsWith('#')) {
            c.removeAttribute('href');
            c.removeAttribute('xlink:href');
          }
        }
    }
  }
}

function rulesText(sheet: CSSStyleSheet): string {
  return [...sheet.cssRules].map((r) => r.cssText).join('\n');
}

function tryRulesText(sheet: CSSStyleSheet): string | null {
  try {
    return rulesText(sheet);
  } catch {
    return null; // cross-origin sheet: the background fetches it
  }
}

/** Serialize `doc` as the reader sees it now, with placeholders for what the background fetches. */
export function snapshotDocument(doc: Document, opts: SnapshotOptions = {}, depth = 0): PageSnapshot {
  const out = doc.implementation.createHTMLDocument('');
  const root = out.importNode(doc.documentElement, true);
  out.replaceChild(root, out.documentElement);
  const b = new Builder(doc, out, opts, depth);
  b.pair(doc.documentElement, root);

  const head = out.head ?? out.documentElement.insertBefore(out.createElement('head'), out.body);
  // Document-level adopted stylesheets come after the page's own.
  for (const sheet of (doc as Document & { adoptedStyleSheets?: CSSStyleSheet[] }).adoptedStyleSheets ?? []) {
    const style = out.createElement('style');
    style.textContent = b.sheet({ text: rulesText(sheet), base: doc.baseURI });
    head.appendChild(style);
  }
  const csp = out.createElement('meta');
  csp.setAttribute('http-equiv', 'Content-Security-Policy');
  csp.setAttribute('content', SNAPSHOT_CSP);
  head.insertBefore(csp, head.firstChild);
  if (!head.querySelector('meta[charset]')) {
    const charset = out.createElement('meta');
    charset.setAttribute('charset', 'utf-8');
    head.insertBefore(charset, head.firstChild);
  } else {
    const charset = head.querySelector('meta[charset]')!;
    charset.setAttribute('charset', 'utf-8');
    head.insertBefore(charset, head.firstChild);
  }
  const doctype = doc.doctype ? `<!DOCTYPE ${doc.doctype.name}>` : '<!DOCTYPE html>';
  return {
    html: `${doctype}\n${out.documentElement.outerHTML}`,
    resources: b.resources,
    sheets: b.sheets,
    frames: b.frames,
    url: doc.URL,
    title: doc.title,
  };
}
