/**
 * What can go wrong with a team folder, and its address checked (pure, no XML:
 * the settings page imports this without the WebDAV client).
 */
export type DavFailure =
  /** The URL is not a web address Saqta can use. */
  | 'bad-url'
  /** No answer: no network, server down, name not found, connection refused. */
  | 'offline'
  /** The TLS handshake failed (certificate not trusted, expired, wrong name). */
  | 'tls'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  /** The server answers, but the address is not a WebDAV folder. */
  | 'not-dav'
  | 'full'
  | 'server'
  | 'exists'
  | 'conflict';

export class DavError extends Error {
  constructor(
    readonly kind: DavFailure,
    readonly status: number | null,
    message: string,
    /** The browser's network error, when the platform told it (net::ERR_…). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'DavError';
  }
}

/** What an HTTP status means for a team folder. */
export function failureOf(status: number): DavFailure | null {
  if (status < 300) return null;
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 405 || status === 501) return 'not-dav';
  if (status === 412) return 'exists';
  if (status === 409) return 'conflict';
  if (status === 507 || status === 413) return 'full';
  return 'server';
}

/** A network failure (fetch threw) in words: Node gives a cause code, browsers a net::ERR_ name through webRequest. */
export function networkFailure(err: unknown, detail?: string): DavError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = detail ?? cause?.code ?? '';
  const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_BAD_SSL/i.test(code) || /certificate|SSL|TLS/i.test(cause?.message ?? '');
  return new DavError(tls ? 'tls' : 'offline', null, tls ? 'The server’s TLS certificate was not accepted.' : 'The server could not be reached.', code || undefined);
}

export function folderUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new DavError('bad-url', null, 'The folder address is not a web address.');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new DavError('bad-url', null, 'The folder address must start with https://.');
  if (u.username || u.password) throw new DavError('bad-url', null, 'Put the user name and password in their own fields, not in the address.');
  u.hash = '';
  u.search = '';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

/** Loopback: plain http:// never leaves this computer (Apache in the tests, a local Nextcloud). */
function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1';
}

/** The password would cross the network unencrypted: plain http:// to anything but this computer. */
export function sendsPasswordInClear(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && !isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}
