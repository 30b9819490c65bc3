/**
 * A small WebDAV client over `fetch` (RFC 4918: PROPFIND, MKCOL, PUT, MOVE,
 * GET, DELETE), enough for team sync and safe in an MV3 service worker (no
 * DOMParser there: multistatus XML is read with fast-xml-parser). Counts
 * requests and bytes for the sync report and the bench. Never logs, never
 * puts credentials anywhere but the Authorization header.
 *
 * Why not the `webdav` npm package: it pulls 15 dependencies (node-fetch,
 * md5, minimatch, url-parse…) into a service worker for the five methods used
 * here; docs/dependencies.md.
 */
import { XMLParser } from 'fast-xml-parser';
import { DavError, failureOf, folderUrl, networkFailure } from './folder';
export { DavError, failureOf, folderUrl, type DavFailure } from './folder';

interface DavEntry {
  /** Path relative to the client's base URL, decoded; folders end with '/'. */
  path: string;
  isDir: boolean;
  size: number;
  etag?: string;
}

export interface DavStats {
  requests: number;
  bytesUp: number;
  bytesDown: number;
}

interface DavOptions {
  /** The team folder, with a trailing slash. */
  url: string;
  user: string;
  password: string;
  fetch?: typeof fetch;
  /** Network error detail the platform saw for a URL (the background reads webRequest.onErrorOccurred). */
  lastNetError?(url: string): string | undefined;
}

/** A PROPFIND answer larger than this is refused (a team folder of 20,000 members is ~10 MB). */
const MAX_LISTING_BYTES = 32 * 1024 * 1024;

/** A body went past its allowed size; the download was cancelled there. */
export class TooLargeError extends Error {
  constructor(readonly max: number) {
    super(`More than ${max} bytes.`);
    this.name = 'TooLargeError';
  }
}

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'response' || name === 'propstat' });

/** Base64 of UTF-8 text (btoa only takes Latin-1). */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export class DavClient {
  readonly base: URL;
  readonly stats: DavStats = { requests: 0, bytesUp: 0, bytesDown: 0 };
  private auth: string;
  private doFetch: typeof fetch;

  constructor(private opts: DavOptions) {
    this.base = folderUrl(opts.url);
    this.auth = `Basic ${base64(`${opts.user}:${opts.password}`)}`;
    this.doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  url(path: string): string {
    const clean = path.split('/').map((s) => encodeURIComponent(s)).join('/');
    return new URL(clean, this.base).href;
  }

  private async request(method: string, path: string, init: { headers?: Record<string, string>; body?: Uint8Array | Blob | string; ok?: number[]; signal?: AbortSignal } = {}): Promise<Response> {
    const url = this.url(path);
    const body = init.body;
    const size = body === undefined ? 0 : typeof body === 'string' ? new TextEncoder().encode(body).length : body instanceof Blob ? body.size : body.length;
    this.stats.requests++;
    this.stats.bytesUp += size;
    let res: Response;
    try {
      res = await this.doFetch(url, {
        method,
        headers: { Authorization: this.auth, ...init.headers },
        body: body as BodyInit | undefined,
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'follow',
        signal: init.signal,
      });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw networkFailure(err, this.opts.lastNetError?.(url));
    }
    if (init.ok?.includes(res.status) || res.ok) return res;
    await res.body?.cancel().catch(() => undefined);
    const kind = failureOf(res.status)!;
    throw new DavError(kind, res.status, `${method} ${path || '/'}: HTTP ${res.status}`);
  }

  /** The body, streamed and cut off past `max` bytes (TooLargeError): a declared size is never trusted. */
  private async bytes(res: Response, max: number): Promise<Uint8Array> {
    const declared = Number(res.headers.get('Content-Length') ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      await res.body?.cancel().catch(() => undefined);
      throw new TooLargeError(max);
    }
    if (!res.body) return new Uint8Array(0);
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      this.stats.bytesDown += value.length;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw new TooLargeError(max);
      }
      chunks.push(value);
    }
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** The folder's own entry (depth 0) or its children too (depth 1). 404 → null. */
  async propfind(path: string, depth: 0 | 1): Promise<DavEntry[] | null> {
    let res: Response;
    try {
      res = await this.request('PROPFIND', path, {
        headers: { Depth: String(depth), 'Content-Type': 'application/xml; charset=utf-8' },
        body: '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getetag/></d:prop></d:propfind>',
      });
    } catch (err) {
      if (err instanceof DavError && err.kind === 'not-found') return null;
      throw err;
    }
    if (res.status !== 207) {
      await res.body?.cancel().catch(() => undefined);
      throw new DavError('not-dav', res.status, `PROPFIND ${path || '/'}: HTTP ${res.status}, not a WebDAV answer`);
    }
    let body: Uint8Array;
    try {
      body = await this.bytes(res, MAX_LISTING_BYTES);
    } catch (err) {
      if (err instanceof TooLargeError) throw new DavError('not-dav', 207, 'The server’s folder listing is too large.');
      throw err;
    }
    const text = new TextDecoder().decode(body);
    let doc: { multistatus?: { response?: unknown[] } };
    try {
      doc = xml.parse(text) as typeof doc;
    } catch {
      throw new DavError('not-dav', 207, 'The server’s folder listing is not WebDAV XML.');
    }
    const responses = doc.multistatus?.response;
    if (!Array.isArray(responses)) throw new DavError('not-dav', 207, 'The server’s folder listing is not WebDAV XML.');
    const basePath = decodeURIComponent(this.base.pathname);
    const out: DavEntry[] = [];
    for (const r of responses as Record<string, unknown>[]) {
      const href = String(r.href ?? '');
      let abs: string;
      try {
        abs = decodeURIComponent(new URL(href, this.base).pathname);
      } catch {
        continue;
      }
      if (!abs.startsWith(basePath)) continue;
      const ok = ((r.propstat as Record<string, unknown>[]) ?? []).find((p) => /\s200\s/.test(String(p.status ?? '')));
      const prop = (ok?.prop ?? {}) as Record<string, unknown>;
      const rt = prop.resourcetype;
      const isDir = typeof rt === 'object' && rt !== null && 'collection' in rt;
      let rel = abs.slice(basePath.length);
      if (isDir && rel && !rel.endsWith('/')) rel += '/';
      out.push({ path: rel, isDir, size: Number(prop.getcontentlength ?? 0) || 0, etag: prop.getetag ? String(prop.getetag) : undefined });
    }
    return out;
  }

  /** Make a folder; one that already exists is fine. */
  async mkcol(path: string): Promise<'created' | 'exists'> {
    const res = await this.request('MKCOL', path, { ok: [405] });
    await res.body?.cancel().catch(() => undefined);
    return res.status === 405 ? 'exists' : 'created';
  }

  async put(path: string, body: Uint8Array | Blob | string, opts: { contentType?: string; onlyIfNew?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const headers: Record<string, string> = { 'Content-Type': opts.contentType ?? 'application/octet-stream' };
    if (opts.onlyIfNew) headers['If-None-Match'] = '*';
    const res = await this.request('PUT', path, { headers, body, signal: opts.signal });
    await res.body?.cancel().catch(() => undefined);
  }

  /** Rename on the server (atomic on one file system): readers see the old name or the whole new file. */
  async move(from: string, to: string, overwrite: boolean): Promise<void> {
    const res = await this.request('MOVE', from, { headers: { Destination: this.url(to), Overwrite: overwrite ? 'T' : 'F' } });
    await res.body?.cancel().catch(() => undefined);
  }

  /** A file's bytes (at most `max`, else TooLargeError); null when it is not there. With an ETag: 'unchanged' on 304. */
  async get(path: string, opts: { etag?: string; max: number }): Promise<{ data: Uint8Array; etag?: string } | null | 'unchanged'> {
    const etag = opts.etag;
    let res: Response;
    try {
      res = await this.request('GET', path, { headers: etag ? { 'If-None-Match': etag } : {}, ok: [304] });
    } catch (err) {
      if (err instanceof DavError && err.kind === 'not-found') return null;
      throw err;
    }
    if (res.status === 304) {
      await res.body?.cancel().catch(() => undefined);
      return 'unchanged';
    }
    return { data: await this.bytes(res, opts.max), etag: res.headers.get('ETag') ?? undefined };
  }

  async delete(path: string): Promise<void> {
    const res = await this.request('DELETE', path, { ok: [404] });
    await res.body?.cancel().catch(() => undefined);
  }
}
