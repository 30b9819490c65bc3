import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { COLORS, type Color } from '../../utils/annotation';
import type { TagRecord } from '../../utils/db';

/** Every tag with its count: rename (a taken name merges), merge into another, recolour, delete, export. */
export function TagsPanel(props: { tags: (TagRecord & { count: number })[]; onChanged(): void; onError(m: string): void; onExport(name: string): void; onByArticle?(name: string): void }) {
  const [names, setNames] = useState<Record<string, string>>({});
  // A rename, merge or delete runs in the background over every claim of the tag (about a second per
  // 10,000 claims): the page stays usable, says what is going on, and takes no second tag change meanwhile.
  // Set when a row is merged or deleted (below).
  const after = useRef<{ gone: string; target: string | null } | null>(null);
  const [busy, setBusy] = useState<{ action: 'rename' | 'merge' | 'delete'; args: string[] } | null>(null);
  const done = (r: { ok: boolean; error?: { message: string } }) => {
    setBusy(null);
    if (!r.ok) after.current = null;
    if (r.ok) props.onChanged();
    else props.onError(r.error!.message);
  };
  // A row merged or deleted goes away with the focus on it: the focus moves to the next row's name
  // field, else the previous one's, else the "no tags" line (issue 22), once the row is gone.
  const empty = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    const a = after.current;
    if (!a || props.tags.some((x) => x.id === a.gone)) return;
    after.current = null;
    if (a.target) document.getElementById(`tag-${a.target}`)?.focus();
    else empty.current?.focus();
  }, [props.tags]);
  const leaving = (id: string) => {
    const at = props.tags.findIndex((x) => x.id === id);
    after.current = { gone: id, target: props.tags[at + 1]?.id ?? props.tags[at - 1]?.id ?? null };
  };
  const run = <T extends { ok: boolean; error?: { message: string } }>(action: 'rename' | 'merge' | 'delete', args: string[], go: () => Promise<T>) => {
    // One tag change at a time: the controls say so (aria-disabled, described by the busy line) and
    // keep the focus, where `disabled` would drop it to <body> (issue 22).
    if (busy) return;
    setBusy({ action, args });
    void go().then(done, (err: Error) => done({ ok: false, error: { message: err.message } }));
  };
  if (!props.tags.length)
    return (
      <p class="muted" data-testid="no-tags" tabIndex={-1} ref={empty}>
        {t('libNoTags')}
      </p>
    );
  const busyAttrs = busy ? { 'aria-disabled': 'true' as const, 'aria-describedby': 'tag-busy' } : {};
  return (
    <>
    <div class="progress tag-busy" id="tag-busy" role="status" aria-live="polite" data-testid="tag-busy" hidden={!busy}>
      {busy && (
        <>
          <label for="tag-busy-bar">{t(`libTagBusy_${busy.action}`, busy.args)}</label>
          <progress id="tag-busy-bar" />
          <span class="muted">{t('libTagBusyNote')}</span>
        </>
      )}
    </div>
    <table class="tags-table" data-testid="tags" aria-busy={busy ? 'true' : 'false'}>
      <caption class="visually-hidden">{t('libTab_tags')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('libTagName')}</th>
          <th scope="col">{t('colClaims')}</th>
          <th scope="col">{t('libColour')}</th>
          <th scope="col">{t('libMergeInto')}</th>
          <th scope="col"><span class="visually-hidden">{t('libActions')}</span></th>
        </tr>
      </thead>
      <tbody>
        {props.tags.map((tag) => (
          <tr key={tag.id} data-tag={tag.name}>
            <td>
              <form onSubmit={(e) => {
                e.preventDefault();
                const v = (names[tag.id] ?? tag.name).trim();
                if (v && v !== tag.name) run('rename', [tag.name], () => send('tags.rename', { name: tag.name, newName: v }));
              }}>
                <label class="visually-hidden" for={`tag-${tag.id}`}>{t('libRename')}</label>
                <input id={`tag-${tag.id}`} dir="auto" value={names[tag.id] ?? tag.name} onInput={(e) => setNames({ ...names, [tag.id]: (e.target as HTMLInputElement).value })} />
                <button type="submit" {...busyAttrs}>{t('libRename')}</button>
              </form>
            </td>
            <td data-testid="tag-count">{Number.isNaN(tag.count) ? '…' : tag.count}</td>
            <td>
              <fieldset class="tag-colors" data-testid="tag-colour">
                <legend class="visually-hidden">{t('libTagColourOf', tag.name)}</legend>
                {(['', ...COLORS] as const).map((c) => (
                  <label title={c ? t(`color_${c}`) : t('libNoColour')}>
                    <input type="radio" name={`colour-${tag.id}`} value={c} checked={(tag.color ?? '') === c} aria-label={c ? t(`color_${c}`) : t('libNoColour')}
                      onChange={() => void send('tags.recolor', { name: tag.name, color: (c || null) as Color | null }).then(done)} />
                    <span class={`dot${c ? '' : ' none'}`} style={c ? { background: `var(--hl-${c})` } : undefined} aria-hidden="true" />
                  </label>
                ))}
              </fieldset>
            </td>
            <td>
              <select aria-label={t('libMergeInto')} value="" {...busyAttrs} onChange={(e) => {
                const into = (e.target as HTMLSelectElement).value;
                (e.target as HTMLSelectElement).value = '';
                if (!into || busy) return;
                leaving(tag.id);
                run('merge', [tag.name, into], () => send('tags.merge', { names: [tag.name], into }));
              }}>
                <option value="">—</option>
                {props.tags.filter((o) => o.id !== tag.id).map((o) => <option value={o.name}>{o.name}</option>)}
              </select>
            </td>
            <td class="tag-actions">
              {props.onByArticle && <><button type="button" data-testid="tag-by-article" onClick={() => props.onByArticle!(tag.name)}>{t('libGroupByArticle')}</button>{' '}</>}
              <button type="button" onClick={() => props.onExport(tag.name)}>{t('libExportTag')}</button>{' '}
              <button type="button" class="danger" {...busyAttrs} onClick={() => {
                if (busy) return;
                if (confirm(t('libDeleteConfirm', [tag.name, Number.isNaN(tag.count) ? '…' : String(tag.count)]))) {
                  leaving(tag.id);
                  run('delete', [tag.name], () => send('tags.delete', { name: tag.name }));
                }
              }}>{t('libDelete')}</button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </>
  );
}
