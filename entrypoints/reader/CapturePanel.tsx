import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { withPolicy } from '../../utils/snapshot/policy';
import { formatDateTime } from '../../components/format-date';
import { formatBytes } from '../../components/format-bytes';
import type { SavedCopy } from '../../components/saved-copy';
import { artifactLabelKey } from '../../utils/artifact-label';
import { utcStamp } from '../../utils/cite';
import { ScreenshotStatus } from '../../components/ScreenshotStatus';
import type { ArtifactKind, CaptureRecord } from '../../utils/db';
import { canChoose, choiceInForce } from '../../utils/store/copy-choice';
import { fingerprintDigits } from '../../utils/team/sign';
import { send } from '../../utils/ext/client';

/** A URL that wraps after its separators (/ ? & = # .), never in the middle of a word. */
function BreakableUrl({ url }: { url: string }) {
  const parts = url.split(/(?<=[/?&=#.])/);
  return (
    <>
      {parts.map((p, i) => (
        <>
          {p}
          {i < parts.length - 1 && <wbr />}
        </>
      ))}
    </>
  );
}

/** A hash in groups of eight, readable aloud and by eye; copies as one string. */
function Hash({ hex, testId }: { hex: string; testId: string }) {
  return (
    <code class="hash" data-testid={testId} title={hex}>
      {hex.match(/.{1,8}/g)!.map((g) => (
        <span class="hash-group">{g}</span>
      ))}
    </code>
  );
}

/** A capture time in the reader's language and zone (named), and in UTC (what proofs quote) when the zone is another. */
function CaptureTime({ iso }: { iso: string }) {
  const local = formatDateTime(iso, false, { zone: true });
  return (
    <time dateTime={iso}>
      <span class="local">{local}</span>
      {!local.endsWith(' UTC') && (
        <>
          {' '}
          <span class="utc">({utcStamp(iso)})</span>
        </>
      )}
    </time>
  );
}

const EXT: Record<string, string> = { 'text/html': 'html', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg' };


/**
 * A download that cannot run when opened from disk (issue 24): HTML that is not a snapshot (the
 * page's raw source) goes as `.html.txt`, plain text; a snapshot goes as `.html` only with Saqta's
 * policy inserted by the HTML parser (utils/snapshot/policy.ts), else as text too.
 */
function SafeDownload({ url, kind, mime, name }: { url: string; kind: ArtifactKind; mime: string; name: string }) {
  const html = /html/i.test(mime);
  // Only HTML is rebuilt (below); anything else links to the copy's current object URL, which the
  // reader replaces (and revokes) whenever the copy is loaded again (a screenshot added later).
  const [built, setFile] = useState<{ href: string; name: string } | null>(null);
  const file = html ? built : { href: url, name: `${name}.${EXT[mime] ?? 'bin'}` };
  useEffect(() => {
    if (!html) return;
    setFile(null);
    let made: string | null = null;
    let gone = false;
    void fetch(url)
      .then((r) => r.text())
      .then((text) => {
        if (gone) return;
        const inert = kind === 'snapshot' ? withPolicy(text, new DOMParser()) : null;
        made = URL.createObjectURL(new Blob([inert ?? text], { type: inert ? 'text/html' : 'text/plain' }));
        setFile({ href: made, name: `${name}.${inert ? 'html' : 'html.txt'}` });
      });
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url, kind, html, name]);
  if (!file) return null;
  return (
    <a href={file.href} download={file.name} data-testid={`download-${kind}`}>
      {t('readerDownload')}
    </a>
  );
}

/** Whose copy a version is, after its date: nothing for the reader's own. */
function ByWhom({ v }: { v: CaptureRecord }) {
  return v.author ? <span class="by"> · {t('copyByColleague', v.author.name)}</span> : null;
}

/**
 * Which copy the reader's views, exports and signatures use (issue 23): a colleague's copy being read
 * offers "Use this copy"; a choice in force says so and offers "Use my newest copy". `onChosen` is told
 * the chosen capture (or null) once the background stored it.
 */
function CopyChoice({ copy, onChosen }: { copy: SavedCopy; onChosen: (captureId: string | null) => void }) {
  const c = copy.capture;
  const chosen = copy.page.chosenCopy;
  const inForce = choiceInForce(copy.captures, chosen);
  const picked = inForce ? copy.captures.find((v) => v.id === chosen) : undefined;
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The button pressed goes away with the choice: focus moves to what replaces it, never to <body>.
  const mine = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState<'mine' | 'heading' | null>(null);
  useEffect(() => {
    if (!refocus) return;
    if (refocus === 'mine' && mine.current) mine.current.focus();
    else if (refocus === 'heading') document.getElementById('capture-h')?.focus();
    else return;
    setRefocus(null);
  }, [copy, refocus]);
  const choose = async (captureId: string | null) => {
    setBusy(true);
    setError(null);
    const res = await send('page.chooseCopy', { pageId: copy.page.id, captureId });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setStatus(captureId ? null : t('copyMineAgain'));
    setRefocus(captureId ? 'mine' : 'heading');
    onChosen(captureId);
  };
  return (
    <div class="copy-choice" data-testid="copy-choice">
      {picked?.author && (
        <p data-testid="copy-in-use">{t('copyInUse', [picked.author.name, formatDateTime(picked.capturedAt)])}</p>
      )}
      {canChoose(c) && c.id !== chosen && (
        <>
          <button type="button" data-testid="use-copy" aria-describedby="use-copy-hint" disabled={busy} onClick={() => void choose(c.id)}>
            {t('copyUse')}
          </button>
          <p class="muted small" id="use-copy-hint">
            {t('copyUseHint')}
          </p>
        </>
      )}
      {inForce && (
        <button type="button" ref={mine} data-testid="use-mine" disabled={busy} onClick={() => void choose(null)}>
          {t('copyUseMine')}
        </button>
      )}
      <p class="small" role="status" aria-live="polite" data-testid="copy-status">
        {status}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The capture record (proof) and the list of versions. */
export function CapturePanel({ copy, onChosen }: { copy: SavedCopy; onChosen: (captureId: string | null) => void }) {
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
                  <ByWhom v={v} />
                </strong>
              ) : (
                <a href={`?page=${encodeURIComponent(copy.page.id)}&capture=${encodeURIComponent(v.id)}`}>
                  {fmt(v.capturedAt)}
                  <ByWhom v={v} />
                </a>
              )}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="capture-h" class="capture" data-testid="capture">
        <h2 id="capture-h" tabIndex={-1}>
          {t('readerCapture')}
        </h2>
        <dl>
          <dt>{t('readerOriginal')}</dt>
          <dd>
            <a href={c.url} target="_blank" rel="noopener noreferrer" class="url">
              <BreakableUrl url={c.url} />
            </a>
          </dd>
          {c.finalUrl !== c.url && (
            <>
              <dt>{t('readerFinalUrl')}</dt>
              <dd class="url">
                <BreakableUrl url={c.finalUrl} />
              </dd>
            </>
          )}
          <dt>{t('readerCapturedAt')}</dt>
          <dd>
            <CaptureTime iso={c.capturedAt} />
          </dd>
          {c.author && (
            <>
              <dt>{t('evidenceCapturedBy')}</dt>
              <dd data-testid="copy-member">
                {c.author.name} <span class="muted">({t(c.author.unconfirmed ? 'copyKeyUnconfirmed' : 'copyKeyConfirmed')})</span>
              </dd>
              <dt>{t('copyKeyLabel')}</dt>
              <dd>
                {/* The digits Settings → Team shows for this member, to compare with them (the hex is in the title). */}
                {c.author.fingerprint ? (
                  <code class="hash" data-testid="copy-fingerprint" title={c.author.fingerprint}>
                    {fingerprintDigits(c.author.fingerprint).split(' ').map((g) => (
                      <span class="hash-group">{g}</span>
                    ))}
                  </code>
                ) : (
                  '—'
                )}
              </dd>
            </>
          )}
          <dt>{t('readerBrowser')}</dt>
          <dd>{c.browser}</dd>
          <dt>{t('readerExtension')}</dt>
          <dd>{c.extensionVersion}</dd>
        </dl>
        <CopyChoice copy={copy} onChosen={onChosen} />
        <h3>{t('readerArtifacts')}</h3>
        <ul class="artifacts">
          {c.artifacts.filter((a) => a.kind !== 'resource').map((a) => {
            const url = copy.urls.get(a.blobId);
            return (
              <li key={a.blobId} data-kind={a.kind}>
                <span>{t(artifactLabelKey(a))}</span> <span class="muted">{formatBytes(a.size)}</span>
                {url && a.kind !== 'image' && a.kind !== 'article' && (
                  <>
                    {' '}
                    <SafeDownload url={url} kind={a.kind} mime={a.mime} name={`saqta-${a.kind}-${stamp}`} />
                  </>
                )}
                <span class="hash-label">SHA-256</span>
                <Hash hex={a.sha256} testId={`sha-${a.kind}`} />
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
              <span class="muted">{formatBytes(c.artifacts.filter((a) => a.kind === 'resource').reduce((n, a) => n + a.size, 0))}</span>
            </li>
          )}
        </ul>
        <p class="small" role="status" aria-live="polite">
          <ScreenshotStatus capture={c} />
        </p>
        {c.notes?.failedResources?.length ? <p class="muted small">{t('readerMissing', c.notes.failedResources.join(', '))}</p> : null}
        {c.notes?.withoutCookies ? <p class="muted small" data-testid="without-cookies">{t('readerWithoutCookies', String(c.notes.withoutCookies))}</p> : null}
      </section>
    </>
  );
}
