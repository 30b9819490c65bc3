/**
 * Runs in the benchmark page: Saqta's archival snapshot (utils/snapshot: the
 * page-side serializer, then the inliner) with resources fetched by the page,
 * and what the page itself loaded, for comparison.
 */
import { snapshotDocument } from '../../utils/snapshot/serialize';
import { inlineSnapshot, type Fetcher } from '../../utils/snapshot/inline';

const fetcher: Fetcher = async (url) => {
  const res = await fetch(url);
  if (!res.ok) return null;
  return { bytes: new Uint8Array(await res.arrayBuffer()), mime: (res.headers.get('content-type') ?? '').split(';')[0].trim() };
};

export async function saqta() {
  const t0 = performance.now();
  const snap = snapshotDocument(document);
  const t1 = performance.now();
  const { html, stats } = await inlineSnapshot(snap, fetcher, {
    url: location.href,
    title: document.title,
    capturedAt: new Date().toISOString(),
    browser: navigator.userAgent,
    extensionVersion: 'bench',
  });
  const t2 = performance.now();
  return { ms: t2 - t0, serializeMs: t1 - t0, inlineMs: t2 - t1, bytes: new Blob([html]).size, resources: stats.resources, failed: stats.failed.length };
}

/** Bytes the page loaded: the document and every resource, decoded. */
export function pageResources() {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  return {
    bytes: (nav?.decodedBodySize ?? 0) + res.reduce((s, r) => s + r.decodedBodySize, 0),
    requests: 1 + res.length,
  };
}
