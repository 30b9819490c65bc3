/**
 * Browser-wide network log for the privacy and "saved content never runs"
 * tests. Chromium is started with a logging HTTP proxy as its only way out
 * (`--proxy-server`, with loopback no longer bypassed), so every request the
 * browser makes, from any page, worker, extension or the browser itself,
 * passes here and is recorded. Requests to the fixture server are forwarded;
 * anything else (there is no network at test time) is refused with 502 and
 * still recorded, so a test sees it.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChrome, chromeArgs, INSTALL_HINT } from '../../scripts/chrome.mjs';

export interface ProxiedRequest {
  method: string;
  /** Absolute URL, or `host:port` for CONNECT (https). */
  url: string;
  forwarded: boolean;
}

export interface LoggingProxy {
  /** `http://127.0.0.1:PORT`, for `--proxy-server`. */
  url: string;
  log: ProxiedRequest[];
  close(): Promise<void>;
}

/** A proxy that forwards only to `allowOrigin` and logs everything. */
export async function startLoggingProxy(allowOrigin: string): Promise<LoggingProxy> {
  const allowed = new URL(allowOrigin);
  const log: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    let target: URL | null = null;
    try {
      target = new URL(url);
    } catch {
      target = null;
    }
    const forward = !!target && target.host === allowed.host && target.protocol === 'http:';
    log.push({ method: req.method ?? 'GET', url, forwarded: forward });
    if (!forward || !target) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      return res.end('refused by the test proxy');
    }
    const upstream = httpRequest(
      { host: allowed.hostname, port: allowed.port, method: req.method, path: target.pathname + target.search, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on('connect', (req, socket) => {
    log.push({ method: 'CONNECT', url: req.url ?? '', forwarded: false });
    socket.end('HTTP/1.1 502 Refused\r\n\r\n');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** Chromium flags that send every request, loopback included, through `proxyUrl`. */
export function proxyArgs(proxyUrl: string): string[] {
  return [`--proxy-server=${proxyUrl}`, '--proxy-bypass-list=<-loopback>'];
}

/** The same Chromium without Saqta: what the test pages load on their own. */
export async function launchPlain(proxyUrl: string): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(INSTALL_HINT);
  const profile = mkdtempSync(join(tmpdir(), 'saqta-plain-'));
  const args = chromeArgs('', {}).filter((a: string) => !a.includes('extension'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...args, ...proxyArgs(proxyUrl)],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AttributedRequest {
  url: string;
  /** Who asked: a web page, an extension page, or a service worker. */
  from: 'web-page' | 'extension-page' | 'service-worker' | 'other';
  /** A script of the extension is on the initiator stack (content scripts included). */
  byExtensionScript: boolean;
}

/**
 * Record every network request the browser's pages and service workers make,
 * with who made it. Web pages are watched through CDP as well, so a request
 * a content script makes on the page's behalf (its stack holds a
 * chrome-extension:// script) is told apart from the page's own.
 */
export function watchRequests(context: BrowserContext): AttributedRequest[] {
  const seen: AttributedRequest[] = [];
  const isNetwork = (u: string) => /^(https?|wss?|ftp):/i.test(u);
  context.on('request', (req) => {
    if (!isNetwork(req.url())) return;
    const sw = req.serviceWorker();
    const frameUrl = sw ? '' : (() => {
      try {
        return req.frame().url();
      } catch {
        return '';
      }
    })();
    seen.push({
      url: req.url(),
      from: sw ? 'service-worker' : frameUrl.startsWith('chrome-extension:') ? 'extension-page' : frameUrl ? 'web-page' : 'other',
      byExtensionScript: false,
    });
  });
  const watchPage = async (page: import('playwright-core').Page) => {
    try {
      const cdp = await context.newCDPSession(page);
      cdp.on('Network.requestWillBeSent', (e: { request: { url: string }; initiator: unknown }) => {
        if (!isNetwork(e.request.url)) return;
        if (JSON.stringify(e.initiator ?? {}).includes('chrome-extension://')) {
          seen.push({ url: e.request.url, from: 'web-page', byExtensionScript: true });
        }
      });
      await cdp.send('Network.enable');
    } catch {
      // The page closed before we could attach: it made no request we missed.
    }
  };
  context.pages().forEach((p) => void watchPage(p));
  context.on('page', (p) => void watchPage(p));
  return seen;
}
