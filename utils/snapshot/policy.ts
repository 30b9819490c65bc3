/**
 * Files Saqta hands out must not run (issue 24). A saved snapshot is HTML: before it leaves as an
 * `.html` file it must carry Saqta's policy, and that is checked by parsing (an HTML parser for
 * the document, a CSP parser for the policy), never by a regular expression a page's own markup
 * can fool (a policy inside a comment, `default-src 'none'` inside another directive's value,
 * attributes in another order, a meta refresh further down).
 *
 * Pure: the caller gives the DOMParser (the extension pages', or jsdom's / happy-dom's in Node).
 * Without one, nothing carries the policy: the file travels as text.
 */
import { SNAPSHOT_CSP } from './types';

type Parser = { parseFromString(html: string, type: 'text/html'): Document };

/** A CSP header value as directives → source lists (names lower-cased; the first of a repeated directive wins, as browsers do). */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/[\t\n\f\r ]+/).filter(Boolean);
    const name = tokens.shift()?.toLowerCase();
    if (name && /^[a-z0-9-]+$/.test(name) && !out.has(name)) out.set(name, tokens.map((t) => t.toLowerCase()));
  }
  return out;
}

/** Does this one policy forbid every script, every request and every form post? */
export function policyIsInert(policy: string): boolean {
  const csp = parseCsp(policy);
  const only = (name: string, allowed: RegExp) => {
    const list = csp.get(name);
    return list !== undefined && list.length > 0 && list.every((s) => allowed.test(s));
  };
  if (!only('default-src', /^'none'$/) || !only('form-action', /^'none'$/)) return false;
  // Scripts fall back to default-src 'none' only when no script directive loosens them.
  for (const d of ['script-src', 'script-src-elem', 'script-src-attr', 'worker-src', 'child-src', 'connect-src', 'object-src']) {
    if (csp.has(d) && !only(d, /^'none'$/)) return false;
  }
  // What may load: only inline data the file holds (data:, about:), never the network.
  for (const [name, list] of csp) {
    if (!name.endsWith('-src')) continue;
    if (!list.every((s) => /^('none'|'unsafe-inline'|data:|about:|blob:)$/.test(s))) return false;
  }
  return true;
}

/**
 * Does this HTML carry Saqta's policy where it counts: a `<meta http-equiv=Content-Security-Policy>`
 * that the parser puts in `<head>` before anything that loads (only the title and metas without
 * http-equiv may come first), whose policy is inert, and
 * no meta refresh anywhere (a CSP does not stop navigation)?
 */
export function carriesPolicy(html: string, parser: Parser | undefined): boolean {
  if (!parser) return false;
  const doc = parser.parseFromString(html, 'text/html');
  // Before the policy may come only what neither loads, runs nor navigates: the title and metas without http-equiv (charset, Saqta's own saqta:* facts).
  const first = Array.from(doc.head?.children ?? []).find((el) => !(el.localName === 'title' || (el.localName === 'meta' && !el.hasAttribute('http-equiv'))));
  if (!first || first.localName !== 'meta' || first.getAttribute('http-equiv')?.trim().toLowerCase() !== 'content-security-policy') return false;
  if (!policyIsInert(first.getAttribute('content') ?? '')) return false;
  return !Array.from(doc.querySelectorAll('meta[http-equiv]')).some((m) => m.getAttribute('http-equiv')!.trim().toLowerCase() === 'refresh');
}

/**
 * The snapshot as a file to download: its own bytes when they already carry the policy, else
 * re-serialized by the parser with Saqta's policy as the first element of `<head>` and every meta
 * refresh taken out. Null without a parser (the caller offers text instead).
 */
export function withPolicy(html: string, parser: Parser | undefined): string | null {
  if (!parser) return null;
  if (carriesPolicy(html, parser)) return html;
  const doc = parser.parseFromString(html, 'text/html');
  for (const m of Array.from(doc.querySelectorAll('meta[http-equiv]'))) {
    if (m.getAttribute('http-equiv')!.trim().toLowerCase() === 'refresh') m.remove();
  }
  const head = doc.head ?? doc.documentElement.insertBefore(doc.createElement('head'), doc.body);
  const csp = doc.createElement('meta');
  csp.setAttribute('http-equiv', 'Content-Security-Policy');
  csp.setAttribute('content', SNAPSHOT_CSP);
  head.insertBefore(csp, head.firstChild);
  const charset = doc.createElement('meta');
  charset.setAttribute('charset', 'utf-8');
  head.insertBefore(charset, head.firstChild);
  const out = `<!DOCTYPE html>\n${doc.documentElement.outerHTML}`;
  return carriesPolicy(out, parser) ? out : null;
}
