import { describe, expect, it } from 'vitest';
import { canonicalJson, checkHash, errorClassOf, outcomeOfStatus, sealCheck, verifyChecks, type CheckRecord } from '../../utils/watch/record';
import { runQueue } from '../../utils/watch/queue';

const base = (over: Partial<CheckRecord> = {}): Omit<CheckRecord, 'hash'> => ({
  id: 'c1',
  pageId: 'p1',
  url: 'https://news.example.kz/a/1.html',
  at: '2026-11-30T06:00:00.000Z',
  via: 'watch',
  outcome: 'blocked',
  errorClass: 'reset',
  error: 'net::ERR_CONNECTION_RESET',
  prevHash: null,
  ...over,
});

describe('check records', () => {
  it('hash the canonical JSON: key order does not matter, every value does', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }, null] })).toBe('{"a":[{"d":2},null],"b":1}');
    const a = sealCheck(base());
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as CheckRecord;
    expect(checkHash(reordered)).toBe(a.hash);
    expect(checkHash({ ...a, errorClass: 'dns' })).not.toBe(a.hash);
  });

  it('verify finds an edited record and a dropped one in the chain', () => {
    const one = sealCheck(base());
    const two = sealCheck(base({ id: 'c2', at: '2026-12-01T06:00:00.000Z', outcome: 'blocked', errorClass: undefined, error: undefined, httpStatus: 451, prevHash: one.hash }));
    const three = sealCheck(base({ id: 'c3', at: '2026-12-02T06:00:00.000Z', outcome: 'unchanged', errorClass: undefined, error: undefined, httpStatus: 200, prevHash: two.hash }));
    expect(verifyChecks([three, one, two])).toEqual([]);
    expect(verifyChecks([one, { ...two, httpStatus: 200 }, three])).toEqual([expect.stringContaining('Check c2 (2026-12-01T06:00:00.000Z): its hash does not match')]);
    expect(verifyChecks([one, three])).toEqual([expect.stringContaining('Check c3 (2026-12-02T06:00:00.000Z): the check before it is missing')]);
    // An export of later checks only starts mid-chain: fine.
    expect(verifyChecks([two, three])).toEqual([]);
  });

  it('classify network errors from Chromium and Firefox', () => {
    expect(errorClassOf('net::ERR_NAME_NOT_RESOLVED')).toBe('dns');
    expect(errorClassOf('net::ERR_CONNECTION_REFUSED')).toBe('refused');
    expect(errorClassOf('net::ERR_CONNECTION_RESET')).toBe('reset');
    expect(errorClassOf('net::ERR_EMPTY_RESPONSE')).toBe('reset');
    expect(errorClassOf('net::ERR_CERT_AUTHORITY_INVALID')).toBe('tls');
    expect(errorClassOf('net::ERR_SSL_PROTOCOL_ERROR')).toBe('tls');
    expect(errorClassOf('net::ERR_CONNECTION_TIMED_OUT')).toBe('timeout');
    expect(errorClassOf('net::ERR_ADDRESS_UNREACHABLE')).toBe('unreachable');
    expect(errorClassOf('NS_ERROR_UNKNOWN_HOST')).toBe('dns');
    expect(errorClassOf('NS_ERROR_CONNECTION_REFUSED')).toBe('refused');
    expect(errorClassOf('NS_ERROR_NET_RESET')).toBe('reset');
    expect(errorClassOf('NS_ERROR_NET_TIMEOUT')).toBe('timeout');
    expect(errorClassOf('Failed to fetch')).toBe('other');
    expect(outcomeOfStatus(451)).toBe('blocked');
    expect(outcomeOfStatus(404)).toBe('gone');
    expect(outcomeOfStatus(410)).toBe('gone');
    expect(outcomeOfStatus(503)).toBe('error');
  });
});

describe('the check queue', () => {
  it('runs at most N at once and asks each host at most once per gap, going to other hosts meanwhile', async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ i, host: `h${i % 6}` }));
    const starts: { host: string; at: number }[] = [];
    let active = 0;
    let peak = 0;
    const stats = await runQueue(
      items,
      (x) => x.host,
      async (x) => {
        active++;
        peak = Math.max(peak, active);
        starts.push({ host: x.host, at: Date.now() });
        await new Promise((r) => setTimeout(r, 5));
        active--;
      },
      { concurrency: 3, perHostGapMs: 40 },
    );
    expect(stats.done).toBe(30);
    expect(peak).toBeLessThanOrEqual(3);
    expect(stats.maxActive).toBe(peak);
    for (const h of new Set(items.map((x) => x.host))) {
      const at = starts.filter((s) => s.host === h).map((s) => s.at);
      for (let k = 1; k < at.length; k++) expect(at[k] - at[k - 1]).toBeGreaterThanOrEqual(39);
    }
    // Hosts interleave: the first six starts are six different hosts.
    expect(new Set(starts.slice(0, 6).map((s) => s.host)).size).toBe(6);
  });

  it('keeps going when a check throws, and stops starting work when aborted', async () => {
    const ctl = new AbortController();
    let n = 0;
    const stats = await runQueue(
      [1, 2, 3, 4, 5],
      (x) => `h${x}`,
      async (x) => {
        n++;
        if (x === 1) throw new Error('boom');
        if (x === 3) ctl.abort();
      },
      { concurrency: 1, perHostGapMs: 0, signal: ctl.signal },
    );
    expect(n).toBe(3);
    expect(stats.done).toBe(3);
  });
});
