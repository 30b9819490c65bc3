import { describe, expect, it } from 'vitest';
import { blockedQuery, blockedReason, blockedStatus, isWebUrl } from '../../utils/blocked';
import { diffParagraphs } from '../../utils/diff';

describe('blocked-site detection', () => {
  it('names the ways a site is unreachable, and ignores a load the reader stopped', () => {
    expect(blockedReason('net::ERR_NAME_NOT_RESOLVED')).toBe('dns');
    expect(blockedReason('net::ERR_CONNECTION_REFUSED')).toBe('refused');
    expect(blockedReason('net::ERR_CONNECTION_RESET')).toBe('reset');
    expect(blockedReason('net::ERR_CONNECTION_TIMED_OUT')).toBe('timeout');
    expect(blockedReason('net::ERR_CERT_AUTHORITY_INVALID')).toBe('tls');
    expect(blockedReason('net::ERR_SSL_PROTOCOL_ERROR')).toBe('tls');
    expect(blockedReason('NS_ERROR_UNKNOWN_HOST')).toBe('dns');
    expect(blockedReason('net::ERR_ABORTED')).toBeNull();
    expect(blockedReason('net::ERR_BLOCKED_BY_CLIENT')).toBeNull();
    expect(blockedStatus(451)).toBe('legal');
    expect(blockedStatus(404)).toBeNull();
    expect(blockedStatus(500)).toBeNull();
  });

  it('builds the fallback address and refuses to loop on non-web pages', () => {
    const q = new URLSearchParams(blockedQuery({ pageId: 'urn:uuid:1', reason: 'tls', url: 'https://a.kz/x?y=1&z=2', error: 'net::ERR_CERT_DATE_INVALID' }));
    expect(q.get('url')).toBe('https://a.kz/x?y=1&z=2');
    expect(q.get('reason')).toBe('tls');
    expect(isWebUrl('chrome-extension://abc/blocked.html')).toBe(false);
    expect(isWebUrl('https://a.kz/')).toBe(true);
  });
});

describe('what changed between versions', () => {
  it('pairs a reworded paragraph, and reports added and removed ones', () => {
    const before = ['One two three four five.', 'A paragraph that goes away.', 'Last words here.'];
    const after = ['One two THREE four five.', 'Last words here.', 'An update at the end.'];
    const changes = diffParagraphs(before, after);
    expect(changes.map((c) => c.kind)).toEqual(['changed', 'removed', 'same', 'added']);
    const changed = changes[0];
    if (changed.kind !== 'changed') throw new Error('expected a changed paragraph');
    expect(changed.words.filter((w) => w.op === 'del').map((w) => w.value)).toEqual(['three']);
    expect(changed.words.filter((w) => w.op === 'add').map((w) => w.value)).toEqual(['THREE']);
  });
});
