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
  [/ERR_ADDRESS_UNREACHABLE|ERR_NETWORK_ACCESS_DENIED|ERR_BLOCKED_BY_ADMINISTRATOR|ERR_CONNECTION_FAILED|ERR_TUNNEL_CONNECTION_FAILED|ERR_PROXY_CONNECTION_FAILED/, 'unreachable'],
  // Firefox names
  [/NS_ERROR_UNKNOWN_HOST/, 'dns'],
  [/NS_ERROR_CONNECTION_REFUSED/, 'refused'],
  [/NS_ERROR_NET_RESET|NS_ERROR_NET_INTERRUPT/, 'reset'],
  [/NS_ERROR_NET_TIMEOUT/, 'timeout'],
];

/** The reason a top-level load failed, or null when it is not "the site is unreachable" (e.g. ERR_ABORTED). */
export function blockedReason(error: string): BlockReason | null {
  for (const [re, reason] of ERRORS) if (re.test(error)) return reason;
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
