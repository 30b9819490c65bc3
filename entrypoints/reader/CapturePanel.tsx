import { t } from '../../utils/ext/i18n';
import { formatDateTime } from '../../components/format-date';
import type { SavedCopy } from '../../components/saved-copy';
import type { ArtifactKind } from '../../utils/db';

const LABEL: Record<ArtifactKind, string> = {
  article: 'artifactArticle',
  snapshot: 'artifactSnapshot',
  raw: 'artifactRaw',
  screenshot: 'artifactScreenshot',
  image: 'artifactImage',
  resource: 'artifactResource',
};
const EXT: Record<string, string> = { 'text/html': 'html', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg' };

function kb(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** The capture record (proof) and the list of versions. */
export function CapturePanel({ copy }: { copy: SavedCopy }) {
  const c = copy.capture;
  const stamp = c.capturedAt.replace(/[:.]/g, '-');
  const fmt = (iso: string) => formatDateTime(iso);
  return (
    <>
      <section aria-labelledby="versions-h">
        <h2 id="versions-h">{t('readerVersions')}</h2>
        <ol class="versions" data-testid="versions">
          {copy.captures.map((v) => (
            <li key={v.id}>
              {v.id === c.id ? (
                <strong aria-current="true">
                  {fmt(v.capturedAt)} ({t('readerViewing')})
                </strong>
              ) : (
                <a href={`?page=${encodeURIComponent(copy.page.id)}&capture=${encodeURIComponent(v.id)}`}>{fmt(v.capturedAt)}</a>
              )}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="capture-h" class="capture" data-testid="capture">
        <h2 id="capture-h">{t('readerCapture')}</h2>
        <dl>
          <dt>{t('readerOriginal')}</dt>
          <dd>
            <a href={c.url} target="_blank" rel="noopener noreferrer">
              {c.url}
            </a>
          </dd>
          {c.finalUrl !== c.url && (
            <>
              <dt>{t('readerFinalUrl')}</dt>
              <dd>{c.finalUrl}</dd>
            </>
          )}
          <dt>{t('readerCapturedAt')}</dt>
          <dd>
            <time dateTime={c.capturedAt}>{c.capturedAt}</time>
          </dd>
          <dt>{t('readerBrowser')}</dt>
          <dd>{c.browser}</dd>
          <dt>{t('readerExtension')}</dt>
          <dd>{c.extensionVersion}</dd>
        </dl>
        <h3>{t('readerArtifacts')}</h3>
        <ul class="artifacts">
          {c.artifacts.filter((a) => a.kind !== 'resource').map((a) => {
            const url = copy.urls.get(a.blobId);
            return (
              <li key={a.blobId} data-kind={a.kind}>
                <span>{t(LABEL[a.kind])}</span> <span class="muted">{kb(a.size)}</span>
                {url && a.kind !== 'image' && a.kind !== 'article' && (
                  <>
                    {' '}
                    <a href={url} download={`saqta-${a.kind}-${stamp}.${EXT[a.mime] ?? 'bin'}`} data-testid={`download-${a.kind}`}>
                      {t('readerDownload')}
                    </a>
                  </>
                )}
                <code class="hash" data-testid={`sha-${a.kind}`}>
                  {a.sha256}
                </code>
              </li>
            );
          })}
          {c.artifacts.some((a) => a.kind === 'resource') && (
            <li data-kind="resource" data-testid="resources-summary">
              <span>
                {t(
                  'artifactResources',
                  String(c.artifacts.filter((a) => a.kind === 'resource').length),
                )}
              </span>{' '}
              <span class="muted">{kb(c.artifacts.filter((a) => a.kind === 'resource').reduce((n, a) => n + a.size, 0))}</span>
            </li>
          )}
        </ul>
        {c.notes?.failedResources?.length ? <p class="muted small">{t('readerMissing', c.notes.failedResources.join(', '))}</p> : null}
      </section>
    </>
  );
}
