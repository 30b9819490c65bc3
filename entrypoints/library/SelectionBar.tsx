import { useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import type { SaqtaDB, TagRecord } from '../../utils/db';
import type { Filters } from '../../utils/library/query';
import { claimIdsOf } from '../../utils/library/rows';
import type { Selection } from '../../utils/export/collect';
import type { Tab } from './hooks';

/** Above the list: its count, "group by article" for a tag, and what to do with the ticked rows (export, tag, untag). */
export function SelectionBar(props: {
  db: SaqtaDB;
  tab: Tab;
  filters: Filters;
  grouped: boolean;
  setGrouped(on: boolean): void;
  total: number | undefined;
  selected: Set<string>;
  clear(): void;
  tags: (TagRecord & { count: number })[];
  exporting: boolean;
  runExport(sel: Selection, what: string): void;
  setStatus(s: string): void;
  setError(s: string): void;
  reload(): void;
}) {
  const { db, tab, filters, selected, total } = props;
  const [bulkTag, setBulkTag] = useState('');
  const selection: Selection = tab === 'claims' ? { kind: 'claims', annotationIds: [...selected] } : { kind: 'pages', pageIds: [...selected] };

  async function applyBulkTag(remove: boolean) {
    const name = bulkTag.trim();
    if (!name || !selected.size) return;
    const claimSel = tab === 'claims' ? [...selected] : await claimIdsOf(db, [...selected]);
    const res = await send('annotations.bulkTag', { ids: claimSel, add: remove ? [] : [name], remove: remove ? [name] : [] });
    if (!res.ok) props.setError(res.error.message);
    else {
      props.setStatus(t(remove ? 'libUntagged' : 'libTagged', [String(claimSel.length), name]));
      props.reload();
    }
  }

  return (
    <div class="selbar" aria-live="polite">
      {tab === 'claims' && filters.tag && (
        <label class="check">
          <input type="checkbox" data-testid="group-by-article" checked={props.grouped} onChange={(e) => props.setGrouped((e.target as HTMLInputElement).checked)} />
          {t('libGroupByArticle')}
        </label>
      )}
      <span data-testid="count">{total !== undefined ? t(tab === 'articles' ? 'libCountArticles' : 'libCountClaims', [String(total)]) : t('loading')}</span>
      {selected.size > 0 && (
        <>
          <span data-testid="selected-count">{t('libSelected', [String(selected.size)])}</span>
          <button type="button" data-testid="export-selection" aria-disabled={props.exporting} onClick={() => !props.exporting && props.runExport(selection, tab === 'claims' ? 'claims' : 'articles')}>{t('libExportSelection')}</button>
          <label for="bulk" class="visually-hidden">{t('libBulkTagLabel')}</label>
          <input id="bulk" data-testid="bulk-tag" placeholder={t('libBulkTagLabel')} value={bulkTag} onInput={(e) => setBulkTag((e.target as HTMLInputElement).value)} list="tag-names" />
          <datalist id="tag-names">{props.tags.map((tg) => <option value={tg.name} />)}</datalist>
          <button type="button" data-testid="bulk-add" onClick={() => applyBulkTag(false)}>{t('libAddTag')}</button>
          <button type="button" onClick={() => applyBulkTag(true)}>{t('libRemoveTag')}</button>
          <button type="button" onClick={props.clear}>{t('libClearSelection')}</button>
        </>
      )}
    </div>
  );
}
