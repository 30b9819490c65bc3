import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { onEvent, send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import { formatDateTime } from '../../components/format-date';
import { artifactLabelKey } from '../../utils/artifact-label';
import type { TimelineEntry } from '../../utils/store/watch';
import { ScreenshotStatus } from '../../components/ScreenshotStatus';
import type { CheckRecord } from '../../utils/watch/record';
import '../../components/watch.css';

const host = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** Evidence time: "2026-11-30 06:00:12 UTC". */
const utc = (iso: string) => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');

/** What a check found, in words: "451 from example.kz", "connection reset", "changed: 3 paragraphs…". */
/** What a saved file is, in words, and which file (its name in the page's address): "Style sheet (CSS) style.css". */
function artifactName(a: { kind: string; mime: string; sourceUrl?: string }): string {
  let file = '';
  try {
    file = a.sourceUrl ? decodeURIComponent(new URL(a.sourceUrl).pathname.split('/').filter(Boolean).pop() ?? '') : '';
  } catch {
    file = '';
  }
  return file ? `${t(artifactLabelKey(a))} ${file}` : t(artifactLabelKey(a));
}

export function checkText(c: CheckRecord): string {
  if (c.outcome === 'error' && (c.error === 'private-target' || c.error === 'private-redirect')) return t(c.error === 'private-target' ? 'watchPrivateTarget' : 'watchPrivateRedirect');
  if (c.outcome === 'error' && c.error === 'capture-failed') return t('watchCaptureFailed');
  if (c.outcome === 'blocked' && !c.httpStatus) return t(`watchErr_${c.errorClass ?? 'other'}`);
  if (c.outcome === 'blocked' || c.outcome === 'gone') return `${t(`watchOutcome_${c.outcome}`)} — ${t('watchHttp', String(c.httpStatus))} ${host(c.finalUrl ?? c.url)}`;
  if (c.outcome === 'changed' && c.changes) {
    const s = c.changes.summary;
    return `${t('watchOutcome_changed')} — ${t('watchParagraphChanged')} ${s.changed}, ${t('watchParagraphRemoved')} ${s.removed}, ${t('watchParagraphAdded')} ${s.added}`;
  }
  return t(`watchOutcome_${c.outcome}`) + (c.httpStatus ? ` — ${t('watchHttp', String(c.httpStatus))}` : '');
}

/** An article's captures and checks, oldest first, with every hash; a button to check it now. */
export function Timeline({ pageId, title, onClose }: { pageId: string; title: string; onClose(): void }) {
  const [entries, setEntries] = useState<TimelineEntry[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const res = await send('watch.timeline', { pageId });
    if (res.ok) setEntries(res.value.entries);
    else setError(errorText(res.error));
  }, [pageId]);
  useEffect(() => {
    void load();
    heading.current?.focus();
    return onEvent((e) => {
      if ('pageId' in e && e.pageId === pageId) void load();
    });
  }, [load, pageId]);

  const checkNow = async () => {
    if (busy) return;
    setBusy(true);
    setError('');
    const res = await send('watch.checkNow', { pageId });
    setBusy(false);
    if (!res.ok) setError(errorText(res.error));
    void load();
  };

  return (
    <section class="timeline-panel" data-testid="timeline" aria-labelledby="timeline-h" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h2 id="timeline-h" tabIndex={-1} ref={heading} dir="auto">
        {t('watchTimelineOf', title)}
      </h2>
      <div class="actions">
        {/* aria-disabled, not disabled: a disabled button drops the focus to <body> while the check runs (issue 22). */}
        <button type="button" data-testid="check-now" aria-disabled={busy ? 'true' : undefined} aria-busy={busy ? 'true' : undefined} onClick={() => void checkNow()}>
          {busy ? t('watchChecking') : t('watchCheckNow')}
        </button>
        <button type="button" onClick={onClose}>
          {t('watchClose')}
        </button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {entries && entries.length === 0 && <p class="muted">{t('watchTimelineEmpty')}</p>}
      <ol class="timeline">
        {(entries ?? []).map((e) =>
          e.kind === 'capture' ? (
            <li class="capture" data-testid="timeline-capture">
              <p class="when">
                <time dateTime={e.at} title={utc(e.at)}>{formatDateTime(e.at)}</time> · {e.capture.notes?.by === 'watch' ? t('watchCaptureByWatch') : t('watchCaptureEntry')}{' '}
                <a href={`reader.html?page=${encodeURIComponent(pageId)}&capture=${encodeURIComponent(e.capture.id)}`}>{t('watchOpenCopy')}</a>
              </p>
              <p class="hash">{utc(e.at)}</p>
              <p class="hash">
                <ScreenshotStatus capture={e.capture} />
              </p>
              {e.capture.artifacts
                .filter((a) => a.kind !== 'image')
                .map((a) => (
                  <p class="hash">{t('watchArtifactHash', [artifactName(a), a.sha256])}</p>
                ))}
            </li>
          ) : (
            <li class={e.check.outcome} data-testid="timeline-check" data-outcome={e.check.outcome}>
              <p class="when">
                <time dateTime={e.at} title={utc(e.at)}>{formatDateTime(e.at)}</time> · {t('watchCheckEntry', [t(`watchVia_${e.check.via}`), checkText(e.check)])}
              </p>
              <p class="hash">{utc(e.at)}</p>
              {e.check.sha256 && <p class="hash">{t('watchBytesHash', [String(e.check.bytes ?? 0), e.check.sha256])}</p>}
              <p class="hash">{t('watchRecordHash', e.check.hash)}</p>
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
