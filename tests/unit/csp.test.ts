import { describe, expect, it } from 'vitest';
import { cspString, EXTENSION_PAGES_CSP, WORKER_CONNECT, WORKER_SCRIPT, VIEWER_CONNECT } from '../../utils/csp';

describe('extension pages CSP', () => {
  it('allows no remote origin, no eval, no inline script, no plugins', () => {
    const csp = cspString();
    expect(csp).not.toMatch(/wss?:|\*|unsafe-eval|unsafe-hashes|strict-dynamic/);
    expect(csp).not.toMatch(/https?:/);
    expect(EXTENSION_PAGES_CSP['script-src']).toEqual(["'self'"]);
    expect(EXTENSION_PAGES_CSP['object-src']).toEqual(["'none'"]);
    expect(EXTENSION_PAGES_CSP['default-src']).toEqual(["'none'"]);
    expect(EXTENSION_PAGES_CSP['base-uri']).toEqual(["'none'"]);
    expect(EXTENSION_PAGES_CSP['form-action']).toEqual(["'none'"]);
  });

  it('adds dev-server sources only when asked (wxt dev)', () => {
    expect(cspString({ 'connect-src': ['ws://localhost:*'] })).toContain("connect-src 'self' blob: data: ws://localhost:*");
    expect(cspString()).toContain("connect-src 'self' blob: data:;");
  });

  it('gives the background, and only it, http(s) fetches for saving', () => {
    expect(cspString(WORKER_CONNECT)).toContain("connect-src 'self' blob: data: http: https: file:;");
    expect(cspString(WORKER_CONNECT).replace(/connect-src[^;]*/, '')).not.toMatch(/https?:/);
  });

  it('the PDF viewer’s page alone may read file: (local PDFs, when file access is allowed), nothing from the network', () => {
    expect(cspString(VIEWER_CONNECT)).toContain("connect-src 'self' blob: data: file:;");
    expect(cspString(VIEWER_CONNECT)).not.toMatch(/https?:|wss?:/);
    expect(cspString()).not.toContain('file:');
  });

  it('lets the manifest policy compile WebAssembly (the lock\'s Argon2id), never eval, and the pages not even that', () => {
    const manifest = cspString({ ...WORKER_CONNECT, ...WORKER_SCRIPT });
    expect(manifest).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(manifest).not.toMatch(/'unsafe-eval'|'unsafe-inline'[^;]*script/);
    expect(cspString()).not.toContain('wasm');
  });
});
