import { memo } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { COLORS, quoteOf, type Annotation, type Color } from '../utils/annotation';
import { getDb, type CaptureRecord, type PageRecord } from '../utils/db';
import { t } from '../utils/ext/i18n';
import { send } from '../utils/ext/client';
import { CiteButtons } from './CiteButtons';
import { areaImageId, areaOf } from '../utils/pdf/area';

/** The kept picture of an area claim (an object URL while the card shows), read again when the claim's record changes. */
function useAreaPicture(a: Annotation | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!a) return;
    let made: string | null = null;
    let gone = false;
    void getDb().blobs.get(areaImageId(a.id)).then((rec) => {
      const b = rec?.data;
      if (!b || gone) return;
      made = URL.createObjectURL(b);
      setUrl(made);
    }).catch(() => undefined);
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [a]);
  return url;
}

/** Where the page has a claim: 'anchored', 'weak' (approximate), 'orphan', or 'pending' (no answer from the page). */
export type Place = 'anchored' | 'weak' | 'orphan' | 'pending';

interface Props {
  annotation: Annotation;
  place: Place;
  /** The claim's page and the capture its citation names. */
  page?: PageRecord | null;
  capture?: CaptureRecord | null;
  onShow?: () => void;
  onError(message: string): void;
  /** The card opened or closed its edit form (the virtualized list keeps an open form rendered). */
  onEditing?(editing: boolean): void;
  /** Its Delete was pressed ('start'), and the claim is gone ('done') or stays ('failed'): the list moves the focus on (issue 22). */
  onDelete?(id: string, phase: 'start' | 'done' | 'failed'): void;
}

/** One claim in the side panel and the reader: quote (click → show on page), tags, note, colour; edit, cite and delete in place. */
export const ClaimCard = memo(
  ClaimCardView,
  // While the list scrolls it re-renders often; a card whose claim and place did not change need not.
  // (Its callbacks only close over the claim's id and stable setters; a new tab brings new claim objects.)
  (prev, next) =>
    prev.annotation === next.annotation && prev.place === next.place && !prev.onShow === !next.onShow && prev.page === next.page && prev.capture === next.capture,
);

function ClaimCardView({ annotation: a, place, page, capture, onShow, onError, onEditing, onDelete }: Props) {
  const [editing, setEditingState] = useState(false);
  const open = useRef(false);
  const report = useRef(onEditing);
  report.current = onEditing;
  const setEditing = (on: boolean) => {
    setEditingState(on);
    if (open.current !== on) report.current?.(on);
    open.current = on;
  };
  // Deleted while its form was open: the list need not keep it any more.
  useEffect(() => () => void (open.current && report.current?.(false)), []);
  const [color, setColor] = useState<Color>(a.body.color);
  const [tags, setTags] = useState(a.body.tags.join(', '));
  const [note, setNote] = useState(a.body.note);
  // An area of a scanned PDF page has no quote: its card names the page and shows the picture kept with it.
  const area = areaOf(a);
  const quote = quoteOf(a)?.exact ?? (area ? t('pdfAreaOnPage', String(area.page)) : '');
  const picture = useAreaPicture(area ? a : null);

  // The Edit button gives way to the form, and Done to the Edit button: the focus follows
  // (else it falls to the page's start and a keyboard user must Tab back from the top; issue 22).
  const form = useRef<HTMLFormElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const moveFocus = useRef<'form' | 'edit' | null>(null);
  useEffect(() => {
    const where = moveFocus.current;
    moveFocus.current = null;
    if (where === 'form') form.current?.querySelector<HTMLElement>('input:checked, input, textarea')?.focus();
    else if (where === 'edit') editButton.current?.focus();
  }, [editing]);
  const startEdit = () => {
    setColor(a.body.color);
    setTags(a.body.tags.join(', '));
    setNote(a.body.note);
    moveFocus.current = 'form';
    setEditing(true);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const res = await send('annotation.update', {
      id: a.id,
      body: { color, note, tags: tags.split(/[,،]/).map((x) => x.trim()).filter(Boolean) },
    });
    if (!res.ok) return onError(res.error.message);
    // Only when the form had the focus (Done pressed), not when it was left open while the person works elsewhere.
    if (form.current?.contains(document.activeElement)) moveFocus.current = 'edit';
    setEditing(false);
  };
  const remove = async () => {
    onDelete?.(a.id, 'start');
    const res = await send('annotation.delete', { id: a.id });
    onDelete?.(a.id, res.ok ? 'done' : 'failed');
    if (!res.ok) onError(res.error.message);
  };

  const copy = async () => {
    const res = await send('team.copyClaim', { id: a.id });
    if (!res.ok) onError(res.error.message);
  };

  return (
    <article class={`claim ${place}${a.author ? ' colleague' : ''}`} data-claim-id={a.id} data-color={a.body.color} data-place={place} data-author={a.author?.id}>
      {a.author && (
        <p class="by small" data-testid="claim-author">
          {t(a.author.unconfirmed ? 'teamByUnconfirmed' : 'teamBy', a.author.name)}
        </p>
      )}
      <div class="claim-head">
        <span class="swatch" style={{ background: `var(--hl-${a.body.color})` }} role="img" aria-label={t(`color_${a.body.color}`)} />
        {onShow ? (
          <button type="button" class="quote" data-nav onClick={onShow} title={t('spShow')}>
            <span class="visually-hidden">{t('spShow')}: </span>
            {quote}
          </button>
        ) : (
          <blockquote class="quote" data-nav tabIndex={-1}>
            {quote}
          </blockquote>
        )}
      </div>
      {area && picture && <img class="area-picture" src={picture} alt={t('pdfAreaPicture', String(area.page))} />}
      {place === 'weak' && <p class="muted small">{t('spWeak')}</p>}
      {place === 'pending' && <p class="muted small">{t('spPending')}</p>}
      {!editing && a.body.tags.length > 0 && (
        <ul class="tags" aria-label={t('tagsLabel')}>
          {a.body.tags.map((tag) => (
            <li class="chip">{tag}</li>
          ))}
        </ul>
      )}
      {!editing && a.body.note && <p class="note">{a.body.note}</p>}
      {a.author ? (
        <div class="row">
          <button type="button" onClick={() => void copy()} title={t('teamReadOnly')}>{t('teamCopyMine')}</button>
        </div>
      ) : editing ? (
        <form class="edit" ref={form} onSubmit={save}>
          <fieldset class="colors">
            <legend>{t('spColor')}</legend>
            {COLORS.map((c) => (
              <label class="color-choice">
                <input type="radio" name={`color-${a.id}`} value={c} checked={color === c} onChange={() => setColor(c)} />
                <span class="swatch" style={{ background: `var(--hl-${c})` }} />
                <span>{t(`color_${c}`)}</span>
              </label>
            ))}
          </fieldset>
          <label>
            {t('spTagsInput')}
            <input type="text" value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {t('spNoteInput')}
            <textarea value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          </label>
          <div class="row">
            <button type="submit" class="primary">{t('spDone')}</button>
            <button type="button" class="danger" onClick={remove}>{t('hlDelete')}</button>
          </div>
        </form>
      ) : (
        <div class="row">
          <button type="button" ref={editButton} onClick={startEdit}>{t('spEdit')}</button>
          <CiteButtons annotation={a} page={page} capture={capture} onError={onError} />
          <button type="button" class="danger" onClick={remove}>{t('hlDelete')}</button>
        </div>
      )}
    </article>
  );
}
