import { describe, expect, it } from 'vitest';
import { cspString, EXTENSION_PAGES_CSP } from '../../utils/csp';

describe('extension pages CSP', () => {
  it('allows no remote origin, no eval, no inline script, no plugins', () => {
    const csp = cspString();
    expect(csp).not.toMatch(/wss?:|\*|unsafe-eval|unsafe-hashes|strict-dynamic/);
    // Only connect-src names the network (the background fetches what a save needs).
    for (const [directive, sources] of Object.entries(EXTENSION_PAGES_CSP)) {
      if (directive !== 'connect-src') expect(sources.join(' '), directive).not.toMatch(/https?:/);
    }
    expect(EXTENSION_PAGES_CSP['script-src']).toEqual(["'self'"]);
    expect(EXTENSION_PAGES_CSP['object-src']).toEqual(["'none'"]);
    expect(EXTENSION_PAGES_CSP['default-src']).toEqual(["'none'"]);
    expect(EXTENSION_PAGES_CSP['base-uri']).toEqual(["'none'"]);
    expect(EXTENSION_PAGES_CSP['form-action']).toEqual(["'none'"]);
  });

  it('adds dev-server sources only when asked (wxt dev)', () => {
    expect(cspString({ 'connect-src': ['ws://localhost:*'] })).toContain("connect-src 'self' blob: data: http: https: ws://localhost:*");
    expect(cspString()).toContain("connect-src 'self' blob: data: http: https:;");
  });
});
