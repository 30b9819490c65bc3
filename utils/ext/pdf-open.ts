/**
 * Browser glue: PDFs open in Saqta's viewer (docs/pdf.md, *Opening*).
 *
 * - Chrome (MV3): session declarativeNetRequest rules that match the response's
 *   Content-Type (Chrome ≥ 128) redirect the navigation to pdf.html?file=<url>
 *   before the body is read; the viewer gets the bytes from a second fetch here
 *   (`source: 'refetched'`). Where the rules are refused (older Chrome: the
 *   probe fails), `webRequest.onHeadersReceived` sends the tab there instead.
 * - Firefox (MV2): a blocking `onHeadersReceived` takes the response with
 *   `filterResponseData`, keeps the exact bytes served in memory under a token
 *   (`source: 'served'`), gives the tab an empty text body, and opens the viewer,
 *   which takes the bytes once.
 * - Local `file://` PDFs (Chrome, with file access allowed): the navigation is sent
 *   to the viewer under a token (`pdf.local`); the viewer reads the file itself.
 * The setting `local:pdf` (Settings page) turns it all off.
 */
import { browser } from 'wxt/browser';
import { isLocalPdf, isPdfResponse, pdfRedirectRules, PDF_RULE_IDS, viewerUrl } from '../pdf/detect';
import type { PdfBytes, PdfHost } from '../pdf/api';
import { toBase64 } from '../evidence/bytes';
import { MAX_PDF } from '../background/pdf';
import { storageItems } from './storage-items';

/** Held bytes wait this long for their viewer. */
const HOLD_MS = 5 * 60_000;
/** "Open in the browser's viewer" lets the URL through this long. */
const BYPASS_MS = 60_000;
const BYPASS_RULE_BASE = 100;

const isFirefox = import.meta.env.FIREFOX;

function viewer(): string {
  return browser.runtime.getURL('/pdf.html' as '/pdf.html');
}

export function pdfSettingsItem() {
  return storageItems.pdf;
}

export function wirePdfOpening(): PdfHost {
  const held = new Map<string, { bytes: PdfBytes; timer: ReturnType<typeof setTimeout> }>();
  const bypassed = new Map<string, number>();
  let autoOpen = true;
  const item = pdfSettingsItem();

  const isBypassed = (url: string) => {
    const until = bypassed.get(url);
    if (until && until > Date.now()) return true;
    bypassed.delete(url);
    return false;
  };

  // ── Chrome: DNR rules, with the webRequest fallback ──────────────────────
  let dnr = false;
  const dnrApi = () => (globalThis as unknown as { chrome?: typeof chrome }).chrome?.declarativeNetRequest;
  const applyRules = async () => {
    const api = dnrApi();
    if (!api?.updateSessionRules) return (dnr = false);
    try {
      await api.updateSessionRules({ removeRuleIds: PDF_RULE_IDS, addRules: autoOpen ? pdfRedirectRules(viewer()) : [] });
      if (!autoOpen) return (dnr = true);
      // Probe: a Chrome that does not know `responseHeaders` drops it and would redirect every page.
      const rules = await api.getSessionRules({ ruleIds: PDF_RULE_IDS });
      const ok = rules.length === PDF_RULE_IDS.length && rules.every((r) => !!r.condition.responseHeaders?.length);
      if (!ok) await api.updateSessionRules({ removeRuleIds: PDF_RULE_IDS });
      return (dnr = ok);
    } catch {
      await api.updateSessionRules({ removeRuleIds: PDF_RULE_IDS }).catch(() => undefined);
      return (dnr = false);
    }
  };

  const settings = item.getValue().then((s) => {
    autoOpen = s.autoOpen !== false;
    if (!isFirefox) return applyRules();
  });
  item.watch((s) => {
    autoOpen = s?.autoOpen !== false;
    if (!isFirefox) void applyRules();
  });

  if (isFirefox) {
    const wr = browser.webRequest as unknown as {
      onHeadersReceived: { addListener(fn: (d: FxDetails) => unknown, filter: object, extra: string[]): void };
      filterResponseData(requestId: string): FxFilter;
    };
    wr.onHeadersReceived.addListener(
      (d: FxDetails) => {
        if (!autoOpen || d.tabId < 0 || d.method !== 'GET' || isBypassed(d.url)) return {};
        const headers = d.responseHeaders ?? [];
        if (!isPdfResponse(d.url, headers)) return {};
        const filter = wr.filterResponseData(d.requestId);
        const chunks: Uint8Array[] = [];
        let size = 0;
        filter.ondata = (e) => {
          const chunk = new Uint8Array(e.data);
          size += chunk.length;
          if (size <= MAX_PDF) chunks.push(chunk);
        };
        filter.onstop = () => {
          filter.close();
          if (size > MAX_PDF) return;
          const bytes = new Uint8Array(size);
          let at = 0;
          for (const c of chunks) {
            bytes.set(c, at);
            at += c.length;
          }
          const token = crypto.randomUUID();
          const entry: PdfBytes = {
            url: d.url,
            data: toBase64(bytes),
            http: {
              url: d.url,
              status: d.statusCode,
              statusText: (d.statusLine ?? '').replace(/^HTTP\/\S+\s+\d+\s*/, ''),
              headers: headers.map((h) => [h.name, h.value ?? ''] as [string, string]),
              requestHeaders: [],
              date: new Date().toISOString(),
            },
            source: 'served',
          };
          held.set(token, { bytes: entry, timer: setTimeout(() => held.delete(token), HOLD_MS) });
          void browser.tabs.update(d.tabId, { url: viewerUrl(viewer(), d.url, token) }).catch(() => held.delete(token));
        };
        filter.onerror = () => undefined;
        // The tab gets an empty text body (not a download, not the built-in viewer) while the viewer opens.
        return {
          responseHeaders: headers
            .filter((h) => !/^(content-type|content-disposition|content-length)$/i.test(h.name))
            .concat([{ name: 'Content-Type', value: 'text/plain; charset=utf-8' }]),
        };
      },
      { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] },
      ['blocking', 'responseHeaders'],
    );
  } else {
    // Fallback where the DNR rules are refused: see the headers, then send the tab to the viewer.
    browser.webRequest?.onHeadersReceived.addListener(
      (d) => {
        if (dnr || !autoOpen || d.tabId < 0 || d.method !== 'GET' || isBypassed(d.url)) return undefined;
        if (isPdfResponse(d.url, (d.responseHeaders ?? []) as { name: string; value?: string }[])) {
          void settings.then(() => {
            if (!dnr) void browser.tabs.update(d.tabId, { url: viewerUrl(viewer(), d.url) }).catch(() => undefined);
          });
        }
        return undefined;
      },
      { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] },
      ['responseHeaders'],
    );
  }

  // Local PDFs (Chrome): a `file://…pdf` opened in a tab goes to the viewer, which reads the file itself, when
  // the reader allowed Saqta file access ("Allow access to file URLs"); otherwise the browser's viewer stays.
  // No DNR rule can match file: URLs; the navigation event can (as PDF.js's own extension does).
  const localTokens = new Map<string, string>();
  if (!isFirefox) {
    const ext = (globalThis as unknown as { chrome?: typeof chrome }).chrome?.extension;
    browser.webNavigation?.onBeforeNavigate.addListener(
      (d) => {
        if (d.frameId !== 0 || d.tabId < 0 || !isLocalPdf(d.url) || isBypassed(d.url)) return;
        void settings.then(async () => {
          if (!autoOpen || !(await ext?.isAllowedFileSchemeAccess?.().catch(() => false))) return;
          // A token only Saqta knows: the viewer reads a local file only under it (never for an address a page wrote).
          const token = crypto.randomUUID();
          localTokens.set(token, d.url);
          if (localTokens.size > 200) localTokens.delete(localTokens.keys().next().value!);
          await browser.tabs.update(d.tabId, { url: viewerUrl(viewer(), d.url, token) }).catch(() => undefined);
        });
      },
      { url: [{ schemes: ['file'] }] },
    );
  }

  let bypassId = 0;
  return {
    local(token, url) {
      return localTokens.get(token) === url;
    },
    take(token) {
      const h = held.get(token);
      if (!h) return null;
      clearTimeout(h.timer);
      held.delete(token);
      return h.bytes;
    },
    async fetch(url) {
      const res = await fetch(url, { credentials: 'include', redirect: 'follow' });
      const buf = new Uint8Array(await res.arrayBuffer());
      if (buf.length > MAX_PDF) throw new Error('This PDF is too large to keep.');
      return {
        url,
        data: toBase64(buf),
        http: {
          url: res.url || url,
          status: res.status,
          statusText: res.statusText,
          headers: [...res.headers.entries()],
          requestHeaders: [],
          date: new Date().toISOString(),
        },
        source: 'refetched',
      };
    },
    async bypass(url) {
      bypassed.set(url, Date.now() + BYPASS_MS);
      const api = dnrApi();
      if (isFirefox || !api?.updateSessionRules || url.startsWith('file:')) return;
      const id = BYPASS_RULE_BASE + (bypassId++ % 100);
      const escaped = url.replace(/[|*^]/g, (c) => encodeURIComponent(c));
      await api.updateSessionRules({
        removeRuleIds: [id],
        addRules: [{ id, priority: 2, action: { type: 'allow' } as chrome.declarativeNetRequest.RuleAction, condition: { urlFilter: `|${escaped}|`, resourceTypes: ['main_frame' as chrome.declarativeNetRequest.ResourceType] } }],
      });
      setTimeout(() => void api.updateSessionRules({ removeRuleIds: [id] }).catch(() => undefined), BYPASS_MS);
    },
  };
}

interface FxDetails {
  requestId: string;
  url: string;
  method: string;
  tabId: number;
  statusCode: number;
  statusLine?: string;
  responseHeaders?: { name: string; value?: string }[];
}

interface FxFilter {
  ondata: (e: { data: ArrayBuffer }) => void;
  onstop: () => void;
  onerror: () => void;
  close(): void;
}
