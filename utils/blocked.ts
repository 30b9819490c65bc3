/**
 * When a site is "blocked": which navigation errors mean the site cannot be
 * reached (as opposed to the reader stopping a load), and the address of the
 * fallback page. Pure.
 */

export type BlockReason = 'dns' | 'refused' | 'reset' | 'timeout' | 'tls' | 'unreachable' | 'legal';

const ERRORS: [RegExp, BlockReason][] = [
  [/ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED|ERR_DNS_/, 'dns'],
  [/ERR_CONNECTION_REFUSED/, 'refused'],
  [/ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_CONNECTION_ABORTED|ERR_EMPTY_RESPONSE/, 'reset'],
  [/ERR_CONNECTION_TIMED_OUT|ERR_TIMED_OUT/, 'timeout'],
  [/ERR_CERT_|ERR_SSL_|ERR_BAD_SSL|ERR_CERTIFICATE|SEC_ERROR_|SSL_ERROR_|MOZILLA_PKIX_ERROR/, 'tls'],
  [/ERR_INTERNET_DISCONNECTED|ERR_ADDRESS_UNREACHABLE|ERR_NETWORK_ACCESS_DENIED|ERR_BLOCKED_BY_ADMINISTRATOR|ERR_CONNECTION_FAILED|ERR_TUNNEL_CONNECTION_FAILED|ERR_PROXY_CONNECTION_FAILED/, 'unreachable'],
  // Firefox names
  [/NS_ERROR_UNKNOWN_HOST/, 'dns'],
  [/NS_ERROR_CONNECTION_REFUSED/, 'refused'],
  [/NS_ERROR_NET_RESET|NS_ERROR_NET_INTERRUPT/, 'reset'],
  [/NS_ERROR_NET_TIMEOUT/, 'timeout'],
];

/**
 * Firefox's webNavigation.onErrorOccurred names the failure by its nsresult
 * number only ("Error code 2152398861"): the network module's codes
 * (0x804B0000 + n, netwerk/base/nsNetError.h) that mean "unreachable".
 * NS_BINDING_ABORTED (…0002, a load replaced by another) is not among them.
 */
const NETWORK = 0x804b0000;
const FIREFOX_CODES = new Map<number, BlockReason>([
  [NETWORK + 0x1e, 'dns'], // NS_ERROR_UNKNOWN_HOST
  [NETWORK + 0x0d, 'refused'], // NS_ERROR_CONNECTION_REFUSED
  [NETWORK + 0x14, 'reset'], // NS_ERROR_NET_RESET
  [NETWORK + 0x47, 'reset'], // NS_ERROR_NET_INTERRUPT
  [NETWORK + 0x0e, 'timeout'], // NS_ERROR_NET_TIMEOUT
  [NETWORK + 0x55, 'timeout'], // NS_ERROR_NET_TIMEOUT_EXTERNAL
  [NETWORK + 0x10, 'unreachable'], // NS_ERROR_OFFLINE
  [NETWORK + 0x2a, 'unreachable'], // NS_ERROR_UNKNOWN_PROXY_HOST
  [NETWORK + 0x48, 'unreachable'], // NS_ERROR_PROXY_CONNECTION_REFUSED
]);
/** NSS's certificate and TLS errors: the security module's range (0x805A0000–0x805AFFFF). */
const SECURITY = 0x805a0000;

/** The reason a top-level load failed, or null when it is not "the site is unreachable" (e.g. ERR_ABORTED). */
export function blockedReason(error: string): BlockReason | null {
  for (const [re, reason] of ERRORS) if (re.test(error)) return reason;
  const code = /^Error code (\d+)$/.exec(error.trim());
  if (code) {
    const n = Number(code[1]);
    if (n >= SECURITY && n <= SECURITY + 0xffff) return 'tls';
    return FIREFOX_CODES.get(n) ?? null;
  }
  return null;
}

/** HTTP statuses that mean "blocked": 451 Unavailable For Legal Reasons. */
export function blockedStatus(status: number): BlockReason | null {
  return status === 451 ? 'legal' : null;
}

/** Query string of the fallback page. */
export function blockedQuery(p: { pageId: string; reason: BlockReason; url: string; error?: string }): string {
  const q = new URLSearchParams({ page: p.pageId, reason: p.reason, url: p.url });
  if (p.error) q.set('error', p.error);
  return q.toString();
}

/** URLs the fallback must not loop on (our own pages, browser pages). */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/**
 * A saved copy Saqta offers for a tab whose top-level load was blocked. The
 * page is left on the browser's own error (or the site's 451 answer), so the
 * site cannot tell from the tab whether the reader holds a copy; the offer
 * lives in the toolbar badge, the popup and a notification (docs/fallback.md).
 */
export interface BlockedOffer {
  tabId: number;
  /** The address that failed, as the tab shows it. */
  url: string;
  pageId: string;
  title: string;
  reason: BlockReason;
  error?: string;
  /** When the failed navigation happened (ms since the epoch, the event's timeStamp). */
  at: number;
}

/** How a blocked navigation with a saved copy is met: offered (default), or the tab opens Saqta's page. */
export function fallbackMode(settings: { openCopyAutomatically?: boolean }): 'offer' | 'open' {
  return settings.openCopyAutomatically === true ? 'open' : 'offer';
}

/** Session-storage key of a tab's offer. */
export function offerKey(tabId: number): string {
  return `blockedOffer:${tabId}`;
}

const NOTE = /^saqta-blocked:(\d+)$/;

/** Id of the notification that offers a tab's copy (one per tab: a second failure replaces it). */
export function offerNotificationId(tabId: number): string {
  return `saqta-blocked:${tabId}`;
}

/** The tab a notification id offers a copy for, or null for other notifications. */
export function offerNotificationTab(id: string): number | null {
  const m = NOTE.exec(id);
  return m ? Number(m[1]) : null;
}

/** Same address, the fragment aside: does the offer still describe what the tab shows? */
export function offerMatches(offer: Pick<BlockedOffer, 'url'> | null | undefined, tabUrl: string | undefined): boolean {
  if (!offer || !tabUrl) return false;
  const strip = (u: string) => u.replace(/#.*$/, '');
  return strip(offer.url) === strip(tabUrl);
}

/** A new top-level navigation in the tab (timeStamp) makes an older offer stale. */
export function offerStale(offer: Pick<BlockedOffer, 'at'> | null | undefined, navigationAt: number): boolean {
  return !!offer && offer.at < navigationAt;
}
