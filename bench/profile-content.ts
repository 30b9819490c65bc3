/**
 * Where the always-on content script's time goes on a page load: a V8 CPU
 * profile of the page's renderer (all worlds) during the navigation and the
 * second after it, restricted to chrome-extension:// frames, summed over
 * `--loads` loads; plus the trace's EvaluateScript / FunctionCall / compile
 * split. For bench/notes/perf-page.md (run it on an unminified build to read
 * function names: SAQTA_NO_MINIFY=1 npx wxt build).
 *
 *   vite-node bench/profile-content.ts -- [--ext DIR] [--loads 10] [--url seed|largest]
 */
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../scripts/server.mjs';
import { chromeArgs } from '../scripts/chrome.mjs';
import { chromePath } from './lib/browser';
import { EXTENSION_DIR, FIXTURE_MOUNTS, largestFixtures } from './lib/paths';
import { extensionScriptMs, pageMainThread, traceNavigation } from './lib/trace';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};

async function main() {
  const ext = arg('ext', EXTENSION_DIR);
  const loads = Number(arg('loads', '10'));
  const server = await startServer(FIXTURE_MOUNTS);
  const which = arg('url', 'seed');
  const big = largestFixtures(1)[0];
  const url = which === 'seed' ? `${server.origin}/seed/index.html` : `${server.origin}/fixtures/readability/${big.name}/source.html`;
  const profile = mkdtempSync(join(tmpdir(), 'saqta-prof-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromePath(), headless: true, args: chromeArgs(ext, { lang: 'en' }), viewport: { width: 1280, height: 900 } });
  await context.route((u) => u.hostname !== '127.0.0.1' && /^https?:$/.test(u.protocol), (r) => r.abort('internetdisconnected'));
  if (!context.serviceWorkers().length) await context.waitForEvent('serviceworker');
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  const kinds: Record<string, number> = {};
  let cpu = 0;
  try {
    for (let i = 0; i <= loads; i++) {
      const page = await context.newPage();
      if (i % 2 === 1) {
        // trace loads: the split by kind
        const events = await traceNavigation(context, page, url);
        const t = pageMainThread(events, url)!;
        const e = extensionScriptMs(events, t);
        if (i > 0) {
          cpu += e.cpu;
          for (const [k, v] of Object.entries(e.byKind)) kinds[k] = (kinds[k] ?? 0) + v;
        }
      } else {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
        await cdp.send('Profiler.start');
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForTimeout(1500);
        const { profile: p } = await cdp.send('Profiler.stop');
        await cdp.detach();
        if (i === 0) {
          await page.close();
          continue; // warm-up
        }
        const nodes = p.nodes as Node[];
        const byId = new Map(nodes.map((n) => [n.id, n]));
        const parent = new Map<number, number>();
        for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
        const key = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`;
        const samples = p.samples ?? [];
        const deltas = p.timeDeltas ?? [];
        for (let s = 0; s < samples.length; s++) {
          const ms = (deltas[s + 1] ?? 0) / 1000;
          let n: Node | undefined = byId.get(samples[s]);
          if (!n || !n.callFrame.url.startsWith('chrome-extension://')) {
            // native frames (GC, compile) called from extension code count for it too
            let up = n;
            while (up && !up.callFrame.url.startsWith('chrome-extension://')) up = byId.get(parent.get(up.id) ?? -1);
            if (!up) continue;
            const k = `[${n?.callFrame.functionName || 'native'}] under ${key(up)}`;
            self.set(k, (self.get(k) ?? 0) + ms);
          } else self.set(key(n), (self.get(key(n)) ?? 0) + ms);
          all += ms;
          const seen = new Set<string>();
          for (let up = n; up; up = byId.get(parent.get(up.id) ?? -1)) {
            if (!up.callFrame.url.startsWith('chrome-extension://')) continue;
            const k = key(up);
            if (seen.has(k)) continue;
            seen.add(k);
            total.set(k, (total.get(k) ?? 0) + ms);
          }
        }
      }
      await page.close();
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await server.close();
  }
  const profiled = Math.floor(loads / 2);
  const traced = Math.ceil(loads / 2);
  const per = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / profiled).toFixed(2).padStart(7)} ms  ${k}`).join('\n');
  console.log(`${url}: ${profiled} profiled loads, ${traced} traced loads`);
  console.log(`trace: extension CPU ${(cpu / traced).toFixed(2)} ms per load; by kind ${JSON.stringify(Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, +(v / traced).toFixed(2)])))}`);
  console.log(`profile: ${(all / profiled).toFixed(2)} ms per load in extension JS (sampled)\n-- self --\n${per(self)}\n-- total --\n${per(total)}`);
}

void main();
