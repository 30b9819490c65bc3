/**
 * Which top-level responses are PDFs Saqta opens in its own viewer, and the
 * declarativeNetRequest rules that say the same to Chrome (docs/pdf.md).
 * Pure: no `browser.*`; utils/ext/pdf-open.ts wires it.
 */

/** A response header's value, case-insensitively by name (first one wins). */
function headerOf(headers: { name: string; value?: string }[] | [string, string][], name: string): string | undefined {
  const low = name.toLowerCase();
  for (const h of headers) {
    const [k, v] = Array.isArray(h) ? h : [h.name, h.value];
    if (k.toLowerCase() === low) return v ?? '';
  }
  return undefined;
}

/** The file name a Content-Disposition header gives (filename* first), or ''. */
export function dispositionName(value: string | undefined): string {
  if (!value) return '';
  const star = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(value);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      return star[1]!.trim();
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(value);
  return (plain?.[2] ?? plain?.[1] ?? '').trim();
}

/**
 * Is this http(s) response a PDF to open in Saqta's viewer? `application/pdf`,
 * or `application/octet-stream` (and `binary/octet-stream`) with a `.pdf` path
 * or a `.pdf` file name in Content-Disposition.
 */
export function isPdfResponse(url: string, headers: { name: string; value?: string }[] | [string, string][]): boolean {
  if (!/^https?:/i.test(url)) return false;
  const type = (headerOf(headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/pdf' || type === 'application/x-pdf') return true;
  if (type !== 'application/octet-stream' && type !== 'binary/octet-stream') return false;
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  return /\.pdf$/i.test(path) || /\.pdf$/i.test(dispositionName(headerOf(headers, 'content-disposition')));
}

/** The viewer's address for a PDF at `url` (its own parameters first, the PDF's URL raw and last). */
export function viewerUrl(viewer: string, url: string, held?: string): string {
  return `${viewer}?${held ? `held=${encodeURIComponent(held)}&` : ''}file=${url}`;
}

/**
 * The viewer's parameters from its `location.search`. The DNR redirect writes
 * the PDF's URL raw after `file=` (a regex substitution cannot encode it), so
 * everything after the first `file=` is the URL, query and all.
 */
export function viewerParams(search: string): { file: string | null; held: string | null } {
  const q = search.replace(/^\?/, '');
  const i = q.startsWith('file=') ? 0 : q.indexOf('&file=');
  const own = new URLSearchParams(i < 0 ? q : q.slice(0, i));
  let file: string | null = i < 0 ? null : q.slice(i === 0 ? 5 : i + 6);
  if (file && !/^(https?|file):/i.test(file)) {
    try {
      file = decodeURIComponent(file);
    } catch {
      /* keep as given */
    }
  }
  if (file && !/^(https?|file):/i.test(file)) file = null;
  return { file, held: own.get('held') };
}

/** Rule ids Saqta owns in Chrome's session rules (1–9: PDF opening). */
export const PDF_RULE_IDS = [1, 2, 3];

interface HeaderCondition {
  header: string;
  values?: string[];
}

/** The part of a declarativeNetRequest rule Saqta writes (the platform's type, without the platform). */
interface DnrRule {
  id: number;
  priority: number;
  action: { type: 'redirect' | 'allow'; redirect?: { regexSubstitution: string } };
  condition: {
    regexFilter?: string;
    urlFilter?: string;
    resourceTypes: 'main_frame'[];
    responseHeaders?: HeaderCondition[];
    excludedResponseHeaders?: HeaderCondition[];
  };
}

/** Chrome's declarativeNetRequest rules (Chrome ≥ 128: `responseHeaders`) that send PDFs to the viewer. */
export function pdfRedirectRules(viewer: string): DnrRule[] {
  const redirect: DnrRule['action'] = { type: 'redirect', redirect: { regexSubstitution: `${viewer}?file=\\0` } };
  const base = { regexFilter: '^https?://.*', resourceTypes: ['main_frame' as const] };
  return [
    {
      id: 1,
      priority: 1,
      action: redirect,
      condition: { ...base, responseHeaders: [{ header: 'content-type', values: ['application/pdf', 'application/pdf;*', 'application/x-pdf', 'application/x-pdf;*'] }] },
    },
    {
      id: 2,
      priority: 1,
      action: redirect,
      condition: {
        ...base,
        regexFilter: '^https?://[^?#]*\\.[pP][dD][fF]([?#].*)?$',
        responseHeaders: [{ header: 'content-type', values: ['application/octet-stream', 'application/octet-stream;*', 'binary/octet-stream'] }],
      },
    },
    {
      id: 3,
      priority: 1,
      action: redirect,
      // One rule's header conditions are "any of": octet-stream AND a .pdf name cannot be one rule,
      // so a .pdf file name in Content-Disposition opens unless the type says it is a web page or
      // some other known kind (docs/pdf.md).
      condition: {
        ...base,
        responseHeaders: [{ header: 'content-disposition', values: ['*.pdf', '*.pdf"*', '*.pdf;*', '*.PDF', '*.PDF"*', '*.PDF;*'] }],
        excludedResponseHeaders: [{ header: 'content-type', values: ['text/*', 'image/*', 'application/json*', 'application/zip*'] }],
      },
    },
  ];
}

/**
 * A local PDF the viewer may open (`file://…/name.pdf`, any case; docs/pdf.md): only when the reader
 * allowed Saqta file access (Chrome's "Allow access to file URLs"), which the caller checks.
 */
export function isLocalPdf(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' && /\.pdf$/i.test(u.pathname);
  } catch {
    return false;
  }
}
