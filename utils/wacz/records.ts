/**
 * The WARC records of one capture, in the order they are written:
 *
 * - the page's main document: a `response` record when the capture kept the
 *   HTTP exchange (status and headers), else — captures made before Saqta
 *   recorded exchanges — a `resource` record of the raw HTML at the page's URL
 *   (or of the snapshot, when the raw HTML was not kept): honest about what
 *   was kept, and replayable;
 * - every resource the page loaded: `request`/`response` pairs from the
 *   recorded exchanges, or `resource` records of the saved images at their
 *   URLs for older captures;
 * - Saqta's artifacts (article, snapshot, screenshot) as `resource` records at
 *   `urn:saqta:<kind>:<capture>` with WARC-Concurrent-To / WARC-Refers-To the
 *   main document's record;
 * - the capture record as a `metadata` record (application/json), listing what
 *   failed, with WARC-Refers-To the main document.
 */
import type { ArtifactRef, CaptureRecord, Exchange } from '../db';
import { recordIdFor, saqtaUrn } from './format';
import { warcDate, type RecordSpec } from './warc';

interface CaptureFile {
  ref: ArtifactRef;
  data: Blob | Uint8Array;
}

export type { Exchange };

interface Planned {
  spec: Omit<RecordSpec, 'body'>;
  body(): Promise<Uint8Array>;
  /** The artifact this record holds, if any. */
  artifact?: ArtifactRef;
  /** The page's main document (its URL is the page in pages.jsonl). */
  main?: boolean;
}

const bytesOf = async (d: Blob | Uint8Array): Promise<Uint8Array> => (d instanceof Uint8Array ? d : new Uint8Array(await d.arrayBuffer()));
const enc = new TextEncoder();

export function planCapture(record: CaptureRecord, files: CaptureFile[]): Planned[] {
  const out: Planned[] = [];
  const date = warcDate(record.capturedAt);
  const id = (slot: string) => recordIdFor(`${record.id}\n${slot}`);
  const byBlob = new Map(files.map((f) => [f.ref.blobId, f]));
  const of = (kind: ArtifactRef['kind']) => files.filter((f) => f.ref.kind === kind);
  const used = new Set<string>();
  let mainId: string | undefined;
  let mainUri = record.finalUrl || record.url;
  const related = (): [string, string][] =>
    mainId ? [['WARC-Concurrent-To', mainId], ['WARC-Refers-To', mainId], ['WARC-Refers-To-Target-URI', mainUri], ['WARC-Refers-To-Date', date]] : [];

  const exchanges = record.exchanges ?? [];
  const exchangeBodies = new Set(exchanges.filter((x) => byBlob.has(x.blobId)).map((x) => x.blobId));
  if (exchanges.length) {
    for (const [i, x] of exchanges.entries()) {
      const file = byBlob.get(x.blobId);
      if (!file) continue;
      const resId = id(`response:${i}`);
      if (x.main && !mainId) {
        mainId = resId;
        mainUri = x.url;
      }
      if (file.ref.kind !== 'resource') used.add(file.ref.blobId);
      const reqId = id(`request:${i}`);
      const xdate = warcDate(x.date);
      out.push({
        spec: {
          type: 'response', uri: x.url, date: xdate, recordId: resId,
          statusline: `HTTP/1.1 ${x.status} ${x.statusText || ''}`.trimEnd(),
          httpHeaders: x.responseHeaders,
          warcHeaders: [['WARC-Concurrent-To', reqId]],
        },
        body: () => bytesOf(file.data),
        artifact: file.ref,
        ...(x.main && mainId === resId ? { main: true } : {}),
      });
      let path = '/';
      try {
        const u = new URL(x.url);
        path = u.pathname + u.search;
      } catch {
        /* keep / */
      }
      out.push({
        spec: {
          type: 'request', uri: x.url, date: xdate, recordId: reqId,
          statusline: `${x.method || 'GET'} ${path} HTTP/1.1`,
          httpHeaders: x.requestHeaders,
          warcHeaders: [['WARC-Concurrent-To', resId]],
        },
        body: async () => new Uint8Array(0),
      });
    }
  } else {
    // Older captures: what they have, as resource records.
    const main = of('raw')[0] ?? of('snapshot')[0];
    if (main) {
      mainId = id('main');
      mainUri = main.ref.kind === 'raw' ? main.ref.sourceUrl || mainUri : mainUri;
      used.add(main.ref.blobId);
      out.push({
        spec: { type: 'resource', uri: mainUri, date, recordId: mainId, contentType: main.ref.mime || 'text/html', warcHeaders: [['WARC-Saqta-Kind', main.ref.kind]] },
        body: () => bytesOf(main.data),
        artifact: main.ref,
        main: true,
      });
    }
    const seen = new Set([mainUri]);
    for (const [k, img] of of('image').entries()) {
      const url = img.ref.sourceUrl;
      if (!url || !/^https?:/i.test(url) || seen.has(url)) continue;
      seen.add(url);
      used.add(img.ref.blobId);
      out.push({
        spec: { type: 'resource', uri: url, date, recordId: id(`image:${k}`), contentType: img.ref.mime, warcHeaders: [['WARC-Saqta-Kind', 'image'], ...related()] },
        body: () => bytesOf(img.data),
        artifact: img.ref,
      });
    }
  }
  // Saqta's own artifacts (and any image or page resource not written above: a copy that came without
  // its HTTP exchanges still has a record for every artifact its capture.json lists).
  let n = 0;
  for (const f of files) {
    if (used.has(f.ref.blobId) || exchangeBodies.has(f.ref.blobId)) continue;
    const kind = f.ref.kind;
    n++;
    out.push({
      spec: {
        type: 'resource', uri: saqtaUrn(kind, record.id, kind === 'image' || kind === 'raw' || kind === 'resource' ? n : undefined), date,
        recordId: id(`artifact:${f.ref.blobId}`), contentType: f.ref.mime || 'application/octet-stream',
        warcHeaders: [['WARC-Saqta-Kind', kind], ...(f.ref.sourceUrl ? ([['WARC-Saqta-Source-URI', f.ref.sourceUrl]] as [string, string][]) : []), ...related()],
      },
      body: () => bytesOf(f.data),
      artifact: f.ref,
    });
  }
  const meta = {
    ...record,
    warc: { mainRecordId: mainId ?? null, mainUri, records: out.map((p) => ({ id: p.spec.recordId, type: p.spec.type, uri: p.spec.uri, blobId: p.artifact?.blobId })) },
  };
  out.push({
    spec: { type: 'metadata', uri: saqtaUrn('capture', record.id), date, recordId: id('capture'), contentType: 'application/json', warcHeaders: related() },
    body: async () => enc.encode(JSON.stringify(meta, null, 2)),
  });
  return out;
}
