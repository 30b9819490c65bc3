/**
 * The library page: composes its panes (search results, tags, filters, the
 * articles and claims lists) over the hooks that hold its state (./hooks.ts,
 * ./transfer.ts); the database reads are in utils/library/.
 */
import { useMemo, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { getDb } from '../../utils/db';
import type { Filters } from '../../utils/library/query';
import { TagsPanel } from './TagsPanel';
import { TagGroups } from './claim-links';
import { BackupReminder } from '../../components/BackupReminder';
import './library.css';
import { lazyView } from './lazy';
import { useFirstScreen, useList, useMembers, useSearch, useSelection, useTagsAndSites, useTimeline, type Tab } from './hooks';
import { useTransfers } from './transfer';
import { Header } from './Header';
import { ExportBar, ImportBar, ImportSummaryView } from './TransferBars';
import { SearchPane } from './SearchPane';
import { FiltersPane, filtersActive } from './FiltersPane';
import { SelectionBar } from './SelectionBar';
import { ArticlesPane } from './ArticlesPane';
import { ClaimsPane } from './ClaimsPane';
import { Notices } from './Notices';

/** The watch timeline is loaded when first opened. */
const Timeline = lazyView(() => import('./Timeline').then((m) => m.Timeline));

export function App() {
  const db = useMemo(() => getDb(), []);
  const [tab, setTab] = useState<Tab>('articles');
  const [filters, setFilters] = useState<Filters>({ sort: 'date-desc' });
  const [query, setQuery] = useState('');
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [grouped, setGrouped] = useState(false);
  // Tag counts are read when the Tags tab opens or the tag filter is used (useTagsAndSites).
  const [wantCounts, setWantCounts] = useState(false);
  const reload = () => setVersion((v) => v + 1);

  const [timeline, setTimeline] = useTimeline(db);
  const list = useList(db, tab, filters, version);
  const { shown, late } = useFirstScreen(db, list, reload);
  const members = useMembers(db, version, shown);
  const { tags, sites } = useTagsAndSites(db, version, shown, wantCounts || tab === 'tags');
  const { selected, setSelected, toggle } = useSelection(tab);
  const hits = useSearch(db, query, version);
  const { progress, importing, summary, fileInput, runExport, onImport } = useTransfers(db, { setStatus, setError, reload });

  // The list on screen belongs to this tab (a tab switch shows "loading" until its list is read).
  const cur = list && list.tab === tab ? list : null;
  const total = cur?.source.total;
  const setFilter = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <main>
      <Header db={db} query={query} onQuery={setQuery} exporting={!!progress} importing={!!importing} fileInput={fileInput} runExport={runExport} onImport={onImport} setStatus={setStatus} />
      {timeline && <Timeline pageId={timeline.id} title={timeline.title} onClose={() => setTimeline(null)} />}

      {importing && <ImportBar importing={importing} />}
      {progress && <ExportBar progress={progress} />}
      {late && <BackupReminder />}
      {summary && <ImportSummaryView summary={summary} />}

      {hits ? (
        <SearchPane hits={hits} />
      ) : (
        <>
          <div role="tablist" class="tabs" aria-label={t('libViews')}>
            {(['articles', 'claims', 'tags'] as Tab[]).map((k) => (
              <button type="button" role="tab" aria-selected={tab === k} data-testid={`tab-${k}`} onClick={() => setTab(k)}>
                {t(`libTab_${k}`)}
              </button>
            ))}
          </div>
          {tab === 'tags' ? (
            <TagsPanel
              tags={tags}
              onChanged={reload}
              onError={setError}
              onExport={(name) => runExport({ kind: 'tag', tag: name }, `tag ${name}`)}
              onByArticle={(name) => {
                setFilters((f) => ({ ...f, tag: name }));
                setGrouped(true);
                setTab('claims');
              }}
            />
          ) : (
            <>
              <FiltersPane filters={filters} setFilter={setFilter} tags={tags} members={members} sites={sites} onWantCounts={() => setWantCounts(true)} />
              <SelectionBar db={db} tab={tab} filters={filters} grouped={grouped} setGrouped={setGrouped} total={cur?.source.counted ? undefined : total} selected={selected} clear={() => setSelected(new Set())} tags={tags} exporting={!!progress} runExport={runExport} setStatus={setStatus} setError={setError} reload={reload} />

              {total === 0 && <p class="muted" data-testid="empty">{filtersActive(filters) ? t('libNoMatch') : t('libraryEmpty')}</p>}
              {cur && total! > 0 && tab === 'articles' && (
                <ArticlesPane key={cur.shape} db={db} source={cur.source} total={total!} listKey={cur.key} selected={selected} toggle={toggle} exporting={!!progress} runExport={runExport} openTimeline={setTimeline} setStatus={setStatus} />
              )}
              {tab === 'claims' && filters.tag && grouped && <TagGroups db={db} tag={filters.tag} version={version} onError={setError} />}
              {cur && total! > 0 && tab === 'claims' && !(filters.tag && grouped) && (
                <ClaimsPane key={cur.shape} db={db} source={cur.source} total={total!} listKey={cur.key} selected={selected} toggle={toggle} setError={setError} />
              )}
            </>
          )}
        </>
      )}
      <Notices status={status} error={error} setStatus={setStatus} setError={setError} />
    </main>
  );
}
