import { useState } from 'preact/hooks';
import { COLORS, quoteOf, type Annotation, type Color } from '../../utils/annotation';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';

interface Props {
  annotation: Annotation;
  /** Where the page has it: 'anchored', 'weak' (approximate), 'orphan', or 'pending' (no answer from the page). */
  place: 'anchored' | 'weak' | 'orphan' | 'pending';
  onShow?: () => void;
  onError(message: string): void;
}

/** One claim in the side panel: quote (click → show on page), tags, note, colour; edit and delete in place. */
export function ClaimCard({ annotation: a, place, onShow, onError }: Props) {
  const [editing, setEditing] = useState(false);
  const [color, setColor] = useState<Color>(a.body.color);
  const [tags, setTags] = useState(a.body.tags.join(', '));
  const [note, setNote] = useState(a.body.note);
  const quote = quoteOf(a)?.exact ?? '';

  const startEdit = () => {
    setColor(a.body.color);
    setTags(a.body.tags.join(', '));
    setNote(a.body.note);
    setEditing(true);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const res = await send('annotation.update', {
      id: a.id,
      body: { color, note, tags: tags.split(/[,،]/).map((x) => x.trim()).filter(Boolean) },
    });
    if (!res.ok) return onError(res.error.message);
    setEditing(false);
  };
  const remove = async () => {
    const res = await send('annotation.delete', { id: a.id });
    if (!res.ok) onError(res.error.message);
  };

  return (
    <article class={`claim ${place}`} data-claim-id={a.id} data-color={a.body.color} data-place={place}>
      <div class="claim-head">
        <span class="swatch" style={{ background: `var(--hl-${a.body.color})` }} role="img" aria-label={t(`color_${a.body.color}`)} />
        {onShow ? (
          <button type="button" class="quote" onClick={onShow} title={t('spShow')}>
            <span class="visually-hidden">{t('spShow')}: </span>
            {quote}
          </button>
        ) : (
          <blockquote class="quote">{quote}</blockquote>
        )}
      </div>
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
      {editing ? (
        <form class="edit" onSubmit={save}>
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
          <button type="button" onClick={startEdit}>{t('spEdit')}</button>
          <button type="button" class="danger" onClick={remove}>{t('hlDelete')}</button>
        </div>
      )}
    </article>
  );
}
