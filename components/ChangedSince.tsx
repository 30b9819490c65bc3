import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t, uiLang } from '../utils/ext/i18n';
import { onEvent, send } from '../utils/ext/client';
import { errorText } from '../utils/ext/errors';
import type { Annotation } from '../utils/annotation';
import type { WatchApi } from '../utils/messages';
import type { ClaimChange } from '../utils/watch/compare';
import type { DiffOp } from '../utils/diff';
import { formatDate, formatDateTime } from './format-date';
import './watch.css';

type Status = WatchApi['watch.status']['res'];

/** "24 June 2026" (Kazakh: 24.06.2026 — Chromium's ICU has no long Kazakh month names). */
function formatDay(iso: string): string {
  const lang = uiLang();
  const d = new Date(iso);
  return lang === 'kk' ? formatDate(iso) : d.toLocaleDateString(lang, { day: 'numeric', month: 'long', year: 'numeric' });
}

/** Words of a claim, before or after, with the changed ones marked. */
function Words({ words, side }: { words: DiffOp<string>[]; side: 'before' | 'after' }) {
  const shown = words.filter((w) => (side === 'before' ? w.op !== 'add' : w.op !== 'del'));
  return (
    <>
      {shown.map((w, i) => {
        const sep = i ? ' ' : '';
        if (w.op === 'same') return sep + w.value;
        return side === 'before' ? (
          <>{sep}<del class="w" title={t('watchWordsGone')}>{w.value}</del></>
        ) : (
          <>{sep}<ins class="w" title={t('watchWordsNew')}>{w.value}</ins></>
        );
      })}
    </>
  );
}

function ClaimDiff({ c }: { c: ClaimChange }) {
  return (
    <li data-testid="affected-claim" data-claim-id={c.id}>
      <span class="kind">{c.kind === 'edited' ? t('watchEdited') : t('watchRemovedClaim')}</span>
      <span class="pair">
        <span data-testid="before">
          <span class="visually-hidden">{t('watchBefore')}: </span>
          <Words words={c.words} side="before" />
        </span>
        {c.kind === 'edited' && (
          <span data-testid="after">
            <span aria-hidden="true">→ </span>
            <span class="visually-hidden">{t('watchAfter')}: </span>
            <Words words={c.words} side="after" />
          </span>
        )}
      </span>
    </li>
  );
}

/**
 * What Saqta knows of the live article (side panel and popup): "Changed since
 * your copy of …" with the claims affected (before → after, words marked),
 * one click to save the current version, a link to the version diff; or that
 * it is gone or blocked; and the reader's "watch" switch.
 */
export function ChangedSince({ pageId, tabId, annotations, compact = false }: { pageId: string | null; tabId: number; annotations: Annotation[]; compact?: boolean }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [saving, setSaving] = useState<'idle' | 'saving' | 'saved' | { error: string }>('idle');
  const [everyHours, setEveryHours] = useState<number | null>(null);
  const watched = status?.watch.watched === 1;
  // Watching on: say how often it checks, and that the site sees the reader's address each time.
  useEffect(() => {
    if (watched && everyHours === null) void send('watch.settings', {}).then((r) => r.ok && setEveryHours(r.value.settings.intervalHours));
  }, [watched]);

  const load = useCallback(async () => {
    if (!pageId) return setStatus(null);
    const res = await send('watch.status', { pageId });
    if (res.ok) setStatus(res.value);
  }, [pageId]);

  useEffect(() => {
    void load();
    // What a check, a revisit or a save of this page says; a claim or anchoring change does not touch it.
    return onEvent((e) => {
      if ((e.event === 'watch.changed' || e.event === 'page.saved' || e.event === 'capture.screenshot') && e.pageId === pageId) void load();
    });
  }, [load, pageId]);

  if (!pageId) return <p class="muted small watch-toggle">{t('watchNeedsLibrary')}</p>;
  if (!status) return null;

  const save = async () => {
    setSaving('saving');
    const res = await send('save.page', { tabId });
    setSaving(res.ok ? 'saved' : { error: res.error.code === 'interrupted' ? t('saveInterrupted') : errorText(res.error) });
  };
  /** The reader shows a capture and what changed since the one before it (its version list). */
  const compare = (captureId?: string) => {
    const capture = captureId ? `&capture=${encodeURIComponent(captureId)}` : '';
    void browser.tabs.create({ url: browser.runtime.getURL(`/reader.html?page=${encodeURIComponent(pageId)}${capture}`) });
    if (compact) window.close();
  };
  const toggle = async (on: boolean) => {
    const res = await send('watch.set', { pageId, watched: on });
    if (res.ok) setStatus({ ...status, watch: res.value.watch });
  };

  const { change, base, watch, lastCheck } = status;
  const s = change?.changes?.summary;
  const quotes = new Map(annotations.map((a) => [a.id, a]));
  const claims = (change?.changes?.claims ?? []).filter((c) => quotes.has(c.id));
  const last = lastCheck
    ? lastCheck.outcome === 'blocked'
      ? lastCheck.httpStatus
        ? t('watchHttp', String(lastCheck.httpStatus))
        : t(`watchErr_${lastCheck.errorClass ?? 'other'}`)
      : lastCheck.httpStatus && lastCheck.outcome === 'gone'
        ? t('watchHttp', String(lastCheck.httpStatus))
        : t(`watchOutcome_${lastCheck.outcome}`)
    : '';

  return (
    <>
      {change && s && (
        <section class="changed-since" data-testid="changed-since" aria-labelledby="changed-since-h" role="region">
          <p class="summary" id="changed-since-h" data-testid="changed-summary">
            {t('watchChangedSince', [base ? formatDay(base.capturedAt) : '?', String(s.changed), String(s.removed), String(s.added), String(claims.length)])}
          </p>
          {!compact && claims.length > 0 && (
            <>
              <h2>{t('watchClaimsAffected')}</h2>
              <ul data-testid="affected-claims">
                {claims.map((c) => (
                  <ClaimDiff c={c} />
                ))}
              </ul>
            </>
          )}
          {!compact && (
            <details data-testid="changed-paragraphs">
              <summary>{t('watchParagraphs')}</summary>
              {change.changes!.paragraphs.map((p) =>
                p.kind === 'changed' ? (
                  <p data-kind="changed">
                    <span class="kind">{t('watchParagraphChanged')}:</span>{' '}
                    {p.words.map((w, i) => (
                      <>
                        {i ? ' ' : ''}
                        {w.op === 'same' ? w.value : w.op === 'add' ? <ins class="w">{w.value}</ins> : <del class="w">{w.value}</del>}
                      </>
                    ))}
                  </p>
                ) : (
                  <p data-kind={p.kind}>
                    <span class="kind">{t(p.kind === 'added' ? 'watchParagraphAdded' : 'watchParagraphRemoved')}:</span>{' '}
                    {p.kind === 'added' ? <ins class="w">{p.text}</ins> : <del class="w">{p.text}</del>}
                  </p>
                ),
              )}
            </details>
          )}
          <div class="actions">
            {change.via === 'revisit' && (
              <button type="button" class="primary" data-testid="save-version" disabled={saving === 'saving'} onClick={() => void save()}>
                {t('watchSaveVersion')}
              </button>
            )}
            {change.captureId && (
              <button type="button" data-testid="compare-versions" onClick={() => compare(change.captureId)}>
                {t('watchCompare')}
              </button>
            )}
          </div>
        </section>
      )}
      {/* Outside the notice: saving clears it, and the reader still reads what happened. */}
      <p class="status small" role="status" aria-live="polite" data-testid="save-version-status">
        {saving === 'saving' && t('watchSaving')}
        {saving === 'saved' && t('watchSavedVersion')}
      </p>
      {saving === 'saved' && (
        <p class="small">
          <button type="button" data-testid="compare-versions" onClick={() => compare()}>
            {t('watchCompare')}
          </button>
        </p>
      )}
      {typeof saving === 'object' && <p class="error" role="alert">{saving.error}</p>}
      {(watch.state === 'gone' || watch.state === 'blocked') && lastCheck && (
        <div class="live-state bad" data-testid="live-state" role="status">
          <p>{t(watch.state === 'gone' ? 'watchStateGone' : 'watchStateBlocked', `${formatDateTime(lastCheck.at)} — ${last}`)}</p>
        </div>
      )}
      <label class="watch-toggle">
        <input type="checkbox" data-testid="watch-toggle" checked={watch.watched === 1} onChange={(e) => void toggle((e.target as HTMLInputElement).checked)} />
        <span>
          {t('watchToggle')}
          {!compact && <span class="muted small" style={{ display: 'block' }}>{t('watchToggleHint')}</span>}
          {watch.watched === 1 && everyHours !== null && (
            <span class="muted small" style={{ display: 'block' }} data-testid="watch-on-hint">
              {t('watchOnHint', [6, 12, 24, 48, 168].includes(everyHours) ? t(`watchEvery_${everyHours}`) : t('watchEveryHours', String(everyHours)))}
            </span>
          )}
          {lastCheck && watch.state !== 'gone' && watch.state !== 'blocked' && (
            <span class="muted small" style={{ display: 'block' }} data-testid="last-check">
              {t('watchLastCheck', [formatDateTime(lastCheck.at), last])}
            </span>
          )}
        </span>
      </label>
    </>
  );
}
