/**
 * Extension pages run under a strict CSP (utils/csp.ts): they cannot reach
 * the network, load remote images, frames or scripts, or run inline or eval'd
 * code. The background may fetch (it saves a page's resources), nothing else.
 * Each probe targets the fixture server on 127.0.0.1 with a unique path; the server's log proves nothing arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, serveFixtures, ROOT, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';

let server: FixtureServer;
let session: Session;
beforeAll(async () => {
  server = await serveFixtures();
  session = await launch();
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

const probes = () => server.log.filter((r) => r.path.includes('csp-probe'));

describe('extension pages have a strict Content Security Policy', () => {
  it('is in both built manifests: no remote source anywhere, no plugins, no inline script', () => {
    const chromeCsp = JSON.parse(readFileSync(join(ROOT, '.output/chrome-mv3/manifest.json'), 'utf8')).content_security_policy
      .extension_pages as string;
    const policies = [chromeCsp];
    const ff = join(ROOT, '.output/firefox-mv2/manifest.json');
    if (existsSync(ff)) policies.push(JSON.parse(readFileSync(ff, 'utf8')).content_security_policy as string);
    for (const csp of policies) {
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(directives['default-src']).toEqual(["'none'"]);
      // WebAssembly may be compiled (the lock's Argon2id, in the background), never eval.
      expect(directives['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
      // Only the background's fetches (saving a page's resources) may reach the web, and the PDF viewer read file: …
      expect(directives['connect-src']).toEqual(["'self'", 'blob:', 'data:', 'http:', 'https:', 'file:']);
      expect(csp.replace(/connect-src[^;]*/, '')).not.toMatch(/https?:|wss?:|\*|(?<!wasm-)unsafe-eval|file:/);
    }
    // … and every extension page narrows that back to nothing with a <meta> policy.
    const pages = ['popup', 'sidepanel', 'library', 'options', 'reader', 'blocked'];
    for (const name of pages) {
      const html = readFileSync(join(ROOT, `.output/chrome-mv3/${name}.html`), 'utf8').replace(/&#39;/g, "'");
      const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
      expect(meta, name).toContain("connect-src 'self' blob: data:;");
      expect(meta, name).toContain("default-src 'none'");
      expect(meta, name).not.toMatch(/https?:|wss?:|\*|unsafe-eval|file:/);
    }
  });

  it('a web page can reach the server (control: the probes below would be seen)', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/seed/index.html`);
    const status = await page.evaluate((u) => fetch(u).then((r) => r.status), `${server.origin}/seed/style.css?csp-probe=control`);
    expect(status).toBe(200);
    expect(probes().map((r) => r.path)).toEqual(['/seed/style.css?csp-probe=control']);
    server.log.length = 0;
    await page.close();
  });

  it('an extension page cannot load images, frames, scripts or styles from 127.0.0.1, nor open sockets, post forms or run inline code', async () => {
    server.log.length = 0;
    const options = await session.openExtensionPage('options.html');
    await options.getByTestId('persisted').waitFor();
    const outcome = await options.evaluate(async (origin) => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const settle = (el: HTMLElement, event = 'load') =>
        new Promise<string>((ok) => {
          el.addEventListener(event, () => ok('loaded'));
          el.addEventListener('error', () => ok('blocked'));
          setTimeout(() => ok('blocked'), 1500);
        });
      const r: Record<string, string> = {};
      r.fetch = await fetch(`${origin}/seed/index.html?csp-probe=fetch`).then(
        () => 'loaded',
        () => 'blocked',
      );
      r.xhr = await new Promise((ok) => {
        const x = new XMLHttpRequest();
        x.onload = () => ok('loaded');
        x.onerror = () => ok('blocked');
        try {
          x.open('GET', `${origin}/seed/index.html?csp-probe=xhr`);
          x.send();
        } catch {
          ok('blocked');
        }
      });
      r.beacon = (() => {
        try {
          return navigator.sendBeacon(`${origin}/seed/index.html?csp-probe=beacon`, 'x') ? 'queued' : 'blocked';
        } catch {
          return 'blocked';
        }
      })();
      r.websocket = await new Promise((ok) => {
        try {
          const ws = new WebSocket(`${origin.replace('http', 'ws')}/csp-probe-ws`);
          ws.onopen = () => ok('loaded');
          ws.onerror = () => ok('blocked');
        } catch {
          ok('blocked');
        }
      });
      const img = document.createElement('img');
      img.src = `${origin}/seed/img/logo.svg?csp-probe=img`;
      document.body.append(img);
      r.img = await settle(img);
      const script = document.createElement('script');
      script.src = `${origin}/seed/index.html?csp-probe=script`;
      document.body.append(script);
      r.script = await settle(script);
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = `${origin}/seed/style.css?csp-probe=style`;
      document.head.append(link);
      r.stylesheet = await settle(link);
      const style = document.createElement('style');
      style.textContent = `@import url("${origin}/seed/style.css?csp-probe=import"); body { background-image: url("${origin}/seed/img/logo.svg?csp-probe=css-url"); }`;
      document.head.append(style);
      const frame = document.createElement('iframe');
      frame.src = `${origin}/seed/index.html?csp-probe=frame`;
      document.body.append(frame);
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true;';
      document.body.append(inline);
      r.inline = (window as unknown as { __inlineRan?: boolean }).__inlineRan ? 'ran' : 'blocked';
      try {
        // eslint-disable-next-line no-eval
        (0, eval)('1');
        r.eval = 'ran';
      } catch {
        r.eval = 'blocked';
      }
      try {
        new Function('return 1')();
        r.function = 'ran';
      } catch {
        r.function = 'blocked';
      }
      const form = document.createElement('form');
      form.method = 'post';
      form.action = `${origin}/seed/index.html?csp-probe=form`;
      form.target = '_self';
      document.body.append(form);
      form.submit();
      await new Promise((ok) => setTimeout(ok, 1500));
      return { r, violations: [...new Set(violations)].sort() };
    }, server.origin);

    expect(outcome.r).toEqual({
      fetch: 'blocked',
      xhr: 'blocked',
      beacon: expect.stringMatching(/blocked|queued/),
      websocket: 'blocked',
      img: 'blocked',
      script: 'blocked',
      stylesheet: 'blocked',
      inline: 'blocked',
      eval: 'blocked',
      function: 'blocked',
    });
    expect(outcome.violations).toEqual(
      expect.arrayContaining(['connect-src', 'img-src', 'script-src-elem', 'style-src-elem', 'frame-src', 'form-action']),
    );
    // The page is still the options page (the form did not navigate it) …
    expect(options.url()).toMatch(/^chrome-extension:\/\/[a-p]{32}\/options\.html$/);
    // … and not one probe reached the server.
    expect(probes()).toEqual([]);
    await options.close();
  });

  it('the reader page, which shows saved content, cannot reach 127.0.0.1 either', async () => {
    server.log.length = 0;
    const reader = await session.openExtensionPage('reader.html');
    const result = await reader.evaluate(
      (u) =>
        fetch(u).then(
          (r) => `loaded ${r.status}`,
          (e) => `blocked: ${String(e)}`,
        ),
      `${server.origin}/seed/index.html?csp-probe=reader`,
    );
    expect(result).toMatch(/^blocked/);
    expect(probes()).toEqual([]);
    await reader.close();
  });
});
