/**
 * Recording a save as HTTP exchanges (pure; the background's fetches come in
 * through the Fetcher). Every URL is fetched once whoever asks for it (the
 * images, the snapshot's resources, the page's resource timing list), and each
 * answer is kept with its status and headers. Bodies come decoded from
 * fetch(), so — as ArchiveWeb.page does when it writes a WACZ — the stored
 * headers rename Content-Encoding and Transfer-Encoding to X-Orig-… (kept for
 * the record, ignored by replay) and Content-Length is the stored body's.
 *
 * One copy of each body: an image the reader copy shows is the same blob as
 * its WARC response, the raw HTML is the main document's response, and only
 * the other resources (styles, scripts, fonts…) get blobs of their own
 * (kind `resource`), one per distinct body.
 */
import type { Exchange } from '../db';
import type { Fetched, Fetcher, HttpInfo } from '../snapshot/inline';

/** Most resources recorded beyond the snapshot's and the images (resource timing can list thousands). */
export const MAX_EXTRA = 400;
/** Largest single body recorded (video and the like are left out and listed as not saved). */
export const MAX_BODY = 25 * 1024 * 1024;

export class Recorder {
  readonly answers = new Map<string, Promise<Fetched | null>>();
  constructor(private fetcher: Fetcher) {}
  fetch: Fetcher = (url) => {
    let p = this.answers.get(url);
    if (!p) {
      p = this.fetcher(url).catch(() => null);
      this.answers.set(url, p);
    }
    return p;
  };
  /** Fetch what the page loaded that nobody asked for yet; resolves with the URLs that failed. */
  async fetchRest(urls: string[]): Promise<string[]> {
    const rest = [...new Set(urls)].filter((u) => /^https?:/i.test(u) && !this.answers.has(u)).slice(0, MAX_EXTRA);
    const got = await Promise.all(rest.map(async (u) => [u, await this.fetch(u)] as const));
    return got.filter(([, f]) => !f).map(([u]) => u);
  }
}

/** Response headers as stored with a decoded body. */
export function storedHeaders(headers: [string, string][], bodyLength: number): [string, string][] {
  const out: [string, string][] = [];
  let length = false;
  for (const [k, v] of headers) {
    const low = k.toLowerCase();
    if (low === 'content-encoding' || low === 'transfer-encoding') out.push([`X-Orig-${k}`, v]);
    else if (low === 'content-length') {
      if (!length) out.push([k, String(bodyLength)]);
      length = true;
    } else out.push([k, v]);
  }
  if (!length) out.push(['Content-Length', String(bodyLength)]);
  return out;
}

export type NewExchange = Omit<Exchange, 'blobId'> & { artifact: number };

/**
 * Exchanges of a save. `artifactOf(url)` gives the index of an artifact that
 * already holds that URL's body (the images, the raw HTML); other bodies
 * become `resource` artifacts appended to `artifacts` (one per distinct body).
 */
export async function planExchanges(
  recorder: Recorder,
  main: (Fetched & { finalUrl: string }) | null,
  mainArtifact: number | undefined,
  artifactOf: (url: string) => number | undefined,
  artifacts: { kind: string; bytes: Uint8Array; mime: string; sourceUrl?: string }[],
): Promise<NewExchange[]> {
  const out: NewExchange[] = [];
  const exchange = (http: HttpInfo, body: Uint8Array, artifact: number, isMain = false): NewExchange => ({
    url: http.url,
    method: 'GET',
    date: http.date,
    status: http.status,
    statusText: http.statusText,
    requestHeaders: http.requestHeaders,
    responseHeaders: storedHeaders(http.headers, body.length),
    artifact,
    ...(isMain ? { main: true } : {}),
  });
  if (main?.http && mainArtifact !== undefined) out.push(exchange(main.http, main.bytes, mainArtifact, true));
  const byBody = new Map<string, number>();
  const seen = new Set(out.map((x) => x.url));
  for (const [url, p] of recorder.answers) {
    const got = await p;
    if (!got?.http || got.bytes.length > MAX_BODY) continue;
    const at = got.http.url;
    if (seen.has(at)) continue;
    seen.add(at);
    let index = artifactOf(url) ?? artifactOf(at);
    if (index === undefined) {
      // The same body under two URLs is stored once.
      const key = `${got.bytes.length}:${sample(got.bytes)}`;
      const same = byBody.get(key);
      if (same !== undefined && equal(artifacts[same]!.bytes, got.bytes)) index = same;
      else {
        index = artifacts.push({ kind: 'resource', bytes: got.bytes, mime: got.mime || 'application/octet-stream', sourceUrl: at }) - 1;
        byBody.set(key, index);
      }
    }
    out.push(exchange(got.http, got.bytes, index));
  }
  return out;
}

function sample(b: Uint8Array): string {
  let h = 0;
  for (let i = 0; i < b.length; i += Math.max(1, b.length >> 6)) h = (h * 31 + b[i]!) | 0;
  return String(h);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
