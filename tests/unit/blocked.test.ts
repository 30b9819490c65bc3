import { describe, expect, it } from 'vitest';
import { blockedQuery, blockedReason, blockedStatus, fallbackMode, isWebUrl, offerKey, offerMatches, offerNotificationId, offerNotificationTab, offerStale } from '../../utils/blocked';
import { DEFAULT_SETTINGS, validateSettings } from '../../utils/backup';
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
    expect(blockedReason('net::ERR_INTERNET_DISCONNECTED')).toBe('unreachable');
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

describe('the offered copy (docs/fallback.md)', () => {
  it('is offered by default; opened automatically only when the reader turned that on', () => {
    expect(DEFAULT_SETTINGS.openCopyAutomatically).toBe(false);
    expect(fallbackMode(DEFAULT_SETTINGS)).toBe('offer');
    expect(fallbackMode({})).toBe('offer');
    expect(fallbackMode({ openCopyAutomatically: true })).toBe('open');
    expect(validateSettings({ openCopyAutomatically: true })).toEqual({ openCopyAutomatically: true });
    expect(() => validateSettings({ openCopyAutomatically: 'yes' as unknown as boolean })).toThrow(/on or off/);
  });

  it('names one notification per tab and reads the tab back; other notifications are not ours', () => {
    expect(offerNotificationId(42)).toBe('saqta-blocked:42');
    expect(offerNotificationTab(offerNotificationId(42))).toBe(42);
    expect(offerNotificationTab('saqta-watch:urn:uuid:1:1700000000000')).toBeNull();
    expect(offerNotificationTab('saqta-blocked:')).toBeNull();
    expect(offerKey(7)).not.toBe(offerKey(70));
  });

  it('describes the tab only while it shows that address (fragment aside), and a later request makes it stale', () => {
    const offer = { url: 'https://a.kz/x?utm_source=probe', at: 1000 };
    expect(offerMatches(offer, 'https://a.kz/x?utm_source=probe')).toBe(true);
    expect(offerMatches(offer, 'https://a.kz/x?utm_source=probe#p2')).toBe(true);
    expect(offerMatches(offer, 'https://a.kz/y')).toBe(false);
    expect(offerMatches(null, 'https://a.kz/x')).toBe(false);
    expect(offerMatches(offer, undefined)).toBe(false);
    expect(offerStale(offer, 999)).toBe(false);
    expect(offerStale(offer, 1000)).toBe(false);
    expect(offerStale(offer, 1001)).toBe(true);
    expect(offerStale(null, 5000)).toBe(false);
  });

  it('knows Firefox’s names for a refused and a reset connection', () => {
    expect(blockedReason('NS_ERROR_CONNECTION_REFUSED')).toBe('refused');
    expect(blockedReason('NS_ERROR_NET_RESET')).toBe('reset');
    // Firefox 153's webNavigation.onErrorOccurred gives the nsresult number only (seen in firefox-fallback-launch.e2e.ts).
    expect(blockedReason('Error code 2152398861')).toBe('refused'); // NS_ERROR_CONNECTION_REFUSED
    expect(blockedReason('Error code 2152398878')).toBe('dns'); // NS_ERROR_UNKNOWN_HOST
    expect(blockedReason('Error code 2152398868')).toBe('reset'); // NS_ERROR_NET_RESET
    expect(blockedReason('Error code 2152398862')).toBe('timeout'); // NS_ERROR_NET_TIMEOUT
    expect(blockedReason('Error code 2153390067')).toBe('tls'); // SEC_ERROR_UNKNOWN_ISSUER
    expect(blockedReason('Error code 2152398850')).toBeNull(); // NS_BINDING_ABORTED: a load replaced by another
    expect(blockedReason('Error code 2147500037')).toBeNull(); // NS_ERROR_FAILURE
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
