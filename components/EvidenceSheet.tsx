/**
 * The printed evidence sheet (issue 14) and the reader's timestamp status.
 *
 * `EvidenceSheet` is rendered with the reader but shown only in print: the
 * reader's Print (and so Save as PDF) gives a sheet with the capture record
 * (URLs, time in UTC and local time, browser, Saqta version, the record's
 * hash), every artifact's SHA-256, the signing key's fingerprint and the
 * timestamp status, each claim with its tags and notes, and the article with
 * the claims marked and numbered. Every page carries the capture's identity
 * and "page / pages" in @page margin boxes (Chromium ≥ 131, Firefox ≥ 138).
 *
 * `EvidenceStatus` is the on-screen part: which captures of the page are
 * time-stamped and which are waiting.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SavedCopy } from './saved-copy';
import type { CaptureRecord, CaptureTimestamp } from '../utils/db';
import { pageOf, quoteOf } from '../utils/annotation';
import { areaOf } from '../utils/pdf/area';
import { t, uiLang } from '../utils/ext/i18n';
import { send } from '../utils/ext/client';
import { recordHash } from '../utils/evidence/record';
import { groupFingerprint } from '../utils/evidence/keys';
import { utcText } from '../utils/evidence/time';
import { markClaims } from './evidence-marks';
import { dirForLang } from '../utils/extract/meta';
import { formatDateTime } from './format-date';
import { formatBytes } from './format-bytes';
import { artifactLabelKey } from '../utils/artifact-label';
import { quoteMarks } from '../utils/cite';
import { captureVerdict } from '../utils/evidence/trust';
import { useTrustedKeys, verdictText } from './trust';
import './evidence-sheet.css';

/** The local time in the sheet's language, unambiguous, its zone named once ("05.12.2026, 04:10:29 UTC+05:00"). */
function localText(iso: string): string {
  return formatDateTime(iso, false, { seconds: true, zone: true });
}

/** A fingerprint's 4-digit groups, none broken across lines. */
function Groups({ text }: { text: string }) {
  const groups = text.split(/\s+/);
  return (
    <>
      {groups.map((g, i) => (
        <>
          <span class="ev-group">{g}</span>
          {i < groups.length - 1 ? ' ' : ''}
        </>
      ))}
    </>
  );
}

/** The timestamp status of a capture, in words. */
function stampText(ts: CaptureTimestamp | undefined): { state: 'stamped' | 'waiting' | 'none'; text: string } {
  if (!ts) return { state: 'none', text: t('evidenceNotStamped') };
  if (ts.state === 'stamped' && ts.genTime && ts.unchecked) return { state: 'stamped', text: t('truthStampUnchecked', [utcText(ts.genTime), ts.tsaName ?? ts.tsa]) };
  if (ts.state === 'stamped' && ts.genTime) return { state: 'stamped', text: t('evidenceStamped', [utcText(ts.genTime), ts.tsaName ?? ts.tsa]) };
  return { state: 'waiting', text: t('evidenceStampWaiting', ts.tsa) };
}

function cssString(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&').replace(/[\r\n]+/g, ' ')}"`;
}

function useFingerprint(): string | null {
  const [fp, setFp] = useState<string | null>(null);
  useEffect(() => {
    void send('evidence.status', {}).then((r) => setFp(r.ok ? r.value.fingerprintGrouped : null));
  }, []);
  return fp;
}

/** Print-only evidence sheet of the capture shown in the reader. */
export function EvidenceSheet({ copy }: { copy: SavedCopy }) {
  const { page, capture: c, annotations } = copy;
  const fingerprint = useFingerprint();
  // Whose proof (issue 24): the same three states as `verify` and the import message.
  const trusted = useTrustedKeys();
  const verdict = trusted ? captureVerdict(c, trusted) : null;
  const articleRef = useRef<HTMLDivElement>(null);
  const hash = useMemo(() => recordHash(c), [c]);
  // A marked copy of the article (the reader's own article is left as it is).
  const marked = useMemo(() => {
    if (!copy.article) return { root: null, numbers: new Map<string, { n: number; found: boolean }>() };
    const root = document.createElement('div');
    root.append(copy.article.cloneNode(true));
    return { root, numbers: markClaims(root, annotations) };
  }, [copy]);
  useEffect(() => {
    const el = articleRef.current;
    if (el) el.replaceChildren(...(marked.root ? [marked.root] : []));
  }, [marked]);

  const stamp = stampText(c.timestamp);
  const identity = `Saqta · ${t('evidenceSheetTitle')} · ${t('evidenceCaptureId')} ${c.id} · ${utcText(c.capturedAt)}`;
  const pageCss = `@page {
  @top-left { content: ${cssString(identity)}; font: 7.5pt system-ui, sans-serif; color: #333; }
  @bottom-left { content: ${cssString(`SHA-256 ${t('evidenceRecordHashShort')}: ${hash}`)}; font: 7pt ui-monospace, monospace; color: #333; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt system-ui, sans-serif; }
}`;
  const lang = page.lang;
  const dir = dirForLang(lang, page.dir);
  // The sheet's own quotation marks (« » in Kazakh and Russian), as in citations.
  const [open, close] = quoteMarks(uiLang());
  return (
    <section class="evidence-sheet" aria-hidden="true" data-testid="evidence-sheet">
      <style>{pageCss}</style>
      <h1 class="ev-title">{t('evidenceSheetTitle')}</h1>
      <p class="ev-page-title">{page.title}</p>

      <h2>{t('readerCapture')}</h2>
      <dl class="ev-record">
        <dt>{t('readerOriginal')}</dt>
        <dd>{c.url}</dd>
        <dt>{t('readerFinalUrl')}</dt>
        <dd>{c.finalUrl}</dd>
        <dt>{t('evidenceTimeUtc')}</dt>
        <dd>{utcText(c.capturedAt)}</dd>
        <dt>{t('evidenceTimeLocal')}</dt>
        <dd>{localText(c.capturedAt)}</dd>
        <dt>{t('readerBrowser')}</dt>
        <dd>{c.browser}</dd>
        <dt>{t('readerExtension')}</dt>
        <dd>Saqta {c.extensionVersion}</dd>
        <dt>{t('evidenceCapturedBy')}</dt>
        <dd data-testid="ev-captured-by">
          {c.author ? t('evidenceCapturedByColleague', c.author.name) : c.imported ? t('proofCapturedImported') : t('evidenceCapturedByYou')}
          {c.author?.unconfirmed ? <> {t('evidenceColleagueUnconfirmed')}</> : null}
        </dd>
        <dt>{t('evidenceCaptureId')}</dt>
        <dd class="ev-hash">{c.id}</dd>
        <dt>{t('evidenceRecordHash')}</dt>
        <dd class="ev-hash">{hash}</dd>
      </dl>

      <h2>{t('evidenceProofHeading')}</h2>
      <dl class="ev-record">
        {/* A colleague's copy names their key, never this install's (issue 23: who captured what). */}
        {/* An imported copy names the key that signed its file (or none), never this install's (issue 24). */}
        <dt>{t(c.author ? 'evidenceColleagueKey' : c.imported ? 'proofFileKey' : 'evidenceSheetKey')}</dt>
        <dd class="ev-hash ev-fingerprint" data-testid="ev-key">
          {c.author ? (c.author.fingerprint ? <Groups text={groupFingerprint(c.author.fingerprint)} /> : '—')
            : c.imported ? (c.imported.fingerprint ? <Groups text={groupFingerprint(c.imported.fingerprint)} /> : '—')
            : fingerprint ? <Groups text={fingerprint} /> : '—'}
        </dd>
        <dt>{t('proofWhose')}</dt>
        <dd data-testid="ev-trust" data-trust={verdict?.state ?? 'loading'}>{verdict ? verdictText(verdict) : '—'}</dd>
        <dt>{t('evidenceTimestamp')}</dt>
        <dd data-state={stamp.state}>{stamp.text}</dd>
      </dl>

      <h2>{t('readerArtifacts')}</h2>
      <ul class="ev-artifacts">
        {c.artifacts.map((a) => (
          <li key={a.blobId}>
            <span class="ev-label">{t(artifactLabelKey(a))}</span> · {formatBytes(a.size)} · {a.mime}
            {a.sourceUrl ? <div class="ev-small">{a.sourceUrl}</div> : null}
            <div class="ev-hash">SHA-256 {a.sha256}</div>
          </li>
        ))}
      </ul>

      <h2>{t('readerClaims', String(annotations.length))}</h2>
      {annotations.length === 0 && <p>{t('readerNoClaims')}</p>}
      <ol class="ev-claims">
        {annotations.map((a) => {
          const num = marked.numbers.get(a.id);
          return (
            <li key={a.id} class="ev-claim" value={num?.n}>
              {open}
              <span lang={lang} dir={dir}>
                {quoteOf(a)?.exact ?? (areaOf(a) ? t('pdfAreaOnPage', String(areaOf(a)!.page)) : '')}
              </span>
              {close}
              {pageOf(a) && <span class="ev-small"> ({t('pdfPageNo', pageOf(a)!.label ?? String(pageOf(a)!.index + 1))})</span>}
              {num && !num.found && <span class="ev-small"> ({t('readerOrphan')})</span>}
              {a.body.tags.length > 0 && (
                <div>
                  <span class="ev-label">{t('evidenceTags')}:</span> {a.body.tags.join(', ')}
                </div>
              )}
              {a.body.note && (
                <div class="ev-note">
                  <span class="ev-label">{t('evidenceNote')}:</span> {a.body.note}
                </div>
              )}
              <div class="ev-small">
                {t('evidenceMarked', utcText(a.created))}
              </div>
            </li>
          );
        })}
      </ol>

      <h2 class="ev-article-h">{t('evidenceArticleHeading')}</h2>
      <article class="ev-article" lang={lang} dir={dir}>
        <h3>{page.title}</h3>
        {page.byline && <p class="ev-small">{page.byline}</p>}
        {!copy.article && <p>{t('readerNoArticle')}</p>}
        <div ref={articleRef} />
      </article>
    </section>
  );
}

/** On screen: each capture of the page, time-stamped or waiting. */
export function EvidenceStatus({ copy }: { copy: SavedCopy }) {
  return (
    <section aria-labelledby="evidence-status-h" class="evidence-status" data-testid="evidence-status">
      <h2 id="evidence-status-h">{t('evidenceTimestamp')}</h2>
      <ul>
        {copy.captures.map((c: CaptureRecord) => {
          const s = stampText(c.timestamp);
          return (
            <li key={c.id} data-state={s.state} aria-current={c.id === copy.capture.id ? 'true' : undefined}>
              <span class={`ev-badge ev-${s.state}`}>{t(s.state === 'stamped' ? 'evidenceBadgeStamped' : s.state === 'waiting' ? 'evidenceBadgeWaiting' : 'evidenceBadgeNone')}</span>{' '}
              <time dateTime={c.capturedAt}>{utcText(c.capturedAt)}</time>
              <div class="ev-small">{s.text}</div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
