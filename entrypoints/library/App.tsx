import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t, uiLang } from '../../utils/ext/i18n';
import { send, onEvent } from '../../utils/ext/client';
import { getDb, type PageRecord, type TagRecord } from '../../utils/db';
import { COLORS, type Annotation, type Color } from '../../utils/annotation';
import { claimList, pageList, siteNames, type Filters, type ListSource } from '../../utils/library/query';
import { search, type SearchHit } from '../../utils/search/query';
import { indexArticleTexts } from '../../utils/search/articles';
import { BundleError, headlineKey } from '../../utils/zip/errors';
import type { ImportSummary } from '../../utils/bundle/merge';
import type { Selection } from '../../utils/export/collect';
import { VirtualList, type ListRow } from './VirtualList';
import { TagsPanel } from './TagsPanel';
import { DateField } from './DateField';
import { formatDate } from '../../components/format-date';
import { numberLocales } from '../../utils/format-bytes';

/** Megabytes as a number in the interface language ("12,5"); the string around it names the unit. */
const formatMb = (n: number) => new Intl.NumberFormat(numberLocales(uiLang()), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n / 1048576);
import { ClaimLink, LibraryCite, TagGroups } from './claim-links';
import { BackupReminder } from '../../components/BackupReminder';
import { errorResult } from '../../utils/background/errors';
import { errorText } from '../../utils/ext/errors';
import './library.css';
import { lazyView } from './lazy';
import { ClaimCount } from './ClaimCount';

/**
 * Start-up: what the first screen does not need is loaded when first used
 * (export and WACZ writing, import and its worker, the evidence check of an
 * import, the watch timeline): about 0.7 MB of script the page no longer
 * parses before its list shows.
 */
const exportCode = () => import('./export');
const exportAllClaims: typeof import('./export').exportAllClaims = (...a) => exportCode().then((m) => m.exportAllClaims(...a));
const exportArticleHtml: typeof import('./export').exportArticleHtml = (...a) => exportCode().then((m) => m.exportArticleHtml(...a));
const exportWacz: typeof import('./export').exportWacz = (...a) => exportCode().then((m) => m.exportWacz(...a));
const Timeline = lazyView(() => import('./Timeline').then((m) => m.Timeline));
const ImportSigner = lazyView(() => import('../../components/EvidenceImport').then((m) => m.ImportSigner));

type Tab = 'articles' | 'claims' | 'tags';
/** Row heights (px) of the windowed lists: a title or quote line and a line of details (library.css). */
const ARTICLE_ROW = 58;
const CLAIM_ROW = 54;
type Row = { page?: PageRecord; claim?: Annotation; pageTitle?: string };

/** Dates in the pattern the From/To filters take (components/format-date.ts). */
const fmtDate = (iso?: string) => formatDate(iso);
const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
};

export function App() {
  const db = useMemo(() => getDb(), []);
  const [tab, setTab] = useState<Tab>('articles');
  const [filters, setFilters] = useState<Filters>({ sort: 'date-desc' });
  const [list, setList] = useState<{ source: ListSource; tab: Tab; key: number } | null>(null);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<{ q: string; hits: SearchHit[]; pages: Map<string, PageRecord> } | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [version, setVersion] = useState(0);
  const [tags, setTags] = useState<(TagRecord & { count: number })[]>([]);
  // Team sync: colleagues met in the team folder (a member filter when there are any).
  const [members, setMembers] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => void db.teamMembers.toArray().then((m) => setMembers(m.map(({ id, name }) => ({ id, name })))), [version]);
  const [sites, setSites] = useState<string[]>([]);
  const [progress, setProgress] = useState<{ done: number; total: number; abort: AbortController } | null>(null);
  const [importing, setImporting] = useState<{ name: string; phase: 'check' | 'write'; done: number; total: number; abort: AbortController } | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [bulkTag, setBulkTag] = useState('');
  const [grouped, setGrouped] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  // Watching: an article's timeline (a notification click opens library.html?timeline=ID).
  const [timeline, setTimeline] = useState<{ id: string; title: string } | null>(() => {
    const id = new URLSearchParams(location.search).get('timeline');
    return id ? { id, title: '' } : null;
  });
  useEffect(() => {
    if (timeline && !timeline.title) void db.pages.get(timeline.id).then((p) => p && setTimeline({ id: p.id, title: p.title }));
  }, [timeline?.id]);

  const reload = () => setVersion((v) => v + 1);
  // The first screen comes first. Tag counts (a count per tag over the claims
  // index: seconds on 100,000 claims) are read when the Tags tab opens or the
  // tag filter is used; until then the filter lists tag names. The backup
  // check (a count of unexported claims) waits a moment after the first screen.
  const [shown, setShown] = useState(false);
  const [wantCounts, setWantCounts] = useState(false);
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!shown && list) setShown(true);
  }, [list]);
  // A save or import elsewhere: its article text joins the search index (cheap when nothing is new), then the lists reload.
  useEffect(() => onEvent(() => void indexArticleTexts(db).catch(() => 0).then(() => reload())), []);
  useEffect(() => {
    if (!shown) return;
    void indexArticleTexts(db).then((n) => n && reload());
    const timer = setTimeout(() => setLate(true), 2000);
    return () => clearTimeout(timer);
  }, [shown]);
  const counted = wantCounts || tab === 'tags';
  useEffect(() => {
    let live = true;
    if (counted) void send('tags.list', {}).then((r) => live && r.ok && setTags(r.value.tags));
    else void db.tags.toArray().then((all) => live && setTags(all.sort((x, y) => x.name.localeCompare(y.name)).map((tg) => ({ ...tg, count: NaN }))));
    if (shown) void siteNames(db).then((s) => live && setSites(s));
    return () => {
      live = false;
    };
  }, [version, shown, counted]);
  useEffect(() => {
    if (tab === 'tags') return;
    let live = true;
    void (tab === 'articles' ? pageList(db, filters) : claimList(db, filters)).then((source) => live && setList({ source, tab, key: Math.random() }));
    return () => {
      live = false;
    };
  }, [tab, filters, version]);
  useEffect(() => setSelected(new Set()), [tab]);
  useEffect(() => {
    const q = query.trim();
    if (!q) return setHits(null);
    let live = true;
    const timer = setTimeout(async () => {
      const res = await search(db, q, 100);
      const pages = await db.pages.bulkGet([...new Set(res.hits.map((h) => h.pageId))]);
      if (live) setHits({ q, hits: res.hits, pages: new Map(pages.filter((p) => !!p).map((p) => [p!.id, p!])) });
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, version]);

  // The list on screen belongs to this tab (a tab switch shows "loading" until its list is read).
  const cur = list && list.tab === tab ? list : null;
  const total = cur?.source.total;
  const loadPages = async (offset: number, limit: number): Promise<ListRow<Row>[]> => {
    const ids = await cur!.source.ids(offset, limit);
    const pages = await db.pages.bulkGet(ids);
    // Claim counts come after the rows show (ClaimCount).
    return ids.map((id, i) => ({ id, item: pages[i] ? { page: pages[i] } : undefined }));
  };
  const loadClaims = async (offset: number, limit: number): Promise<ListRow<Row>[]> => {
    const ids = await cur!.source.ids(offset, limit);
    const claims = await db.annotations.bulkGet(ids);
    const pages = new Map((await db.pages.bulkGet([...new Set(claims.filter((a) => !!a).map((a) => a!.pageId))])).filter((p) => !!p).map((p) => [p!.id, p!]));
    return ids.map((id, i) => {
      const a = claims[i] as Annotation | undefined;
      return { id, item: a ? { claim: a, page: pages.get(a.pageId) } : undefined };
    });
  };

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      next.has(id) ? next.delete(id) : next.add(id);
      return next;
    });
  const setFilter = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  async function runExport(sel: Selection, what: string) {
    const abort = new AbortController();
    setError('');
    setProgress({ done: 0, total: 1, abort });
    const startedAt = new Date().toISOString();
    try {
      const ping = await send('ping', {});
      const software = ping.ok ? `Saqta ${ping.value.version}` : 'Saqta';
      const res = await exportWacz(db, sel, what, software, (done, total) => setProgress({ done, total, abort }), abort.signal, { title: bundleTitle(sel), lang: uiLang() });
      setStatus(t('libExported', [res.name]));
      // Everything as of the start is now in a file: the backup reminder counts from here.
      if (sel.kind === 'all') await send('backup.exported', { at: startedAt });
    } catch (err) {
      if ((err as Error).name === 'AbortError') setStatus(t('libExportCancelled'));
      else setError((err as Error).message);
    } finally {
      setProgress(null);
    }
  }

  async function onImport(file: File) {
    setError('');
    setSummary(null);
    setStatus(t('libImporting', [file.name]));
    const abort = new AbortController();
    setImporting({ name: file.name, phase: 'check', done: 0, total: file.size, abort });
    try {
      // Checked in a worker, read from the File by slices: the archive is never whole in memory, the page never freezes.
      const [{ importFile }, { default: ParseWorker }] = await Promise.all([import('../../utils/import/import'), import('./parse-worker?worker')]);
      const s = await importFile(db, file, { signal: abort.signal, worker: () => new ParseWorker(), onProgress: (phase, done, total) => setImporting({ name: file.name, phase, done, total, abort }) });
      setSummary(s);
      setStatus('');
      await send('library.imported', { pageIds: [] });
      // The imported articles' text is searchable now, not after the library is reopened.
      await indexArticleTexts(db);
      reload();
    } catch (err) {
      setStatus('');
      if (!(err instanceof BundleError)) await db.settled();
      if (abort.signal.aborted) setStatus(t('impCancelled'));
      else setError(`${t('libImportRefused')} ${importErrorText(err, db)}`);
    } finally {
      setImporting(null);
    }
    if (fileInput.current) fileInput.current.value = '';
  }

  async function applyBulkTag(remove: boolean) {
    const name = bulkTag.trim();
    if (!name || !selected.size) return;
    const claimSel = tab === 'claims' ? [...selected] : ((await db.annotations.where('pageId').anyOf([...selected]).primaryKeys()) as string[]);
    const res = await send('annotations.bulkTag', { ids: claimSel, add: remove ? [] : [name], remove: remove ? [name] : [] });
    if (!res.ok) setError(res.error.message);
    else {
      setStatus(t(remove ? 'libUntagged' : 'libTagged', [String(claimSel.length), name]));
      reload();
    }
  }

  const selection: Selection = tab === 'claims' ? { kind: 'claims', annotationIds: [...selected] } : { kind: 'pages', pageIds: [...selected] };

  return (
    <main>
      <header class="top">
        <h1>{t('libraryTitle')}</h1>
        <div role="search" class="search">
          <label for="q" class="visually-hidden">{t('libSearchLabel')}</label>
          <input id="q" type="search" data-testid="search" placeholder={t('libSearchPlaceholder')} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
        </div>
        <div class="actions">
          <button type="button" data-testid="export-all" aria-disabled={!!progress} onClick={() => !progress && runExport({ kind: 'all' }, 'library')}>{t('libExportAll')}</button>
          <button type="button" onClick={() => exportAllClaims(db, 'md', { title: t('expTitleAllClaims'), lang: uiLang() }).then((n) => setStatus(t('libExported', [n])))}>{t('libExportMarkdown')}</button>
          <button type="button" onClick={() => exportAllClaims(db, 'jsonld', { title: t('expTitleAllClaims'), lang: uiLang() }).then((n) => setStatus(t('libExported', [n])))}>{t('libExportJsonLd')}</button>
          <label class="button">
            {t('libImport')}
            <input ref={fileInput} aria-disabled={!!importing} onClick={(e) => importing && e.preventDefault()} type="file" accept=".wacz,.zip,.json,.jsonld,application/wacz,application/zip,application/json,application/ld+json" class="visually-hidden" data-testid="import-file" onChange={(e) => {
              const f = (e.target as HTMLInputElement).files?.[0];
              if (f) void onImport(f);
            }} />
          </label>
        </div>
      </header>
      {timeline && <Timeline pageId={timeline.id} title={timeline.title} onClose={() => setTimeline(null)} />}

      {importing && (
        <div class="progress" data-testid="import-progress">
          <label for="imp">
            {importing.phase === 'check'
              ? t('impChecking', [importing.name, formatMb(importing.done), formatMb(importing.total)])
              : t('impWriting', [String(importing.done), String(importing.total)])}
          </label>
          <progress id="imp" max={importing.total || 1} value={importing.done} />
          <button type="button" data-testid="import-cancel" onClick={() => importing.abort.abort()}>{t('impCancel')}</button>
        </div>
      )}
      {progress && (
        <div class="progress" data-testid="export-progress">
          <label for="exp">{t('libExporting', [String(progress.done), String(progress.total)])}</label>
          <progress id="exp" max={progress.total || 1} value={progress.done} />
          <button type="button" onClick={() => progress.abort.abort()}>{t('libCancel')}</button>
        </div>
      )}
      {late && <BackupReminder />}
      {summary && (
        <div class="summary" data-testid="import-summary" role="status">
          <strong>{t('libImportDone')}</strong>{' '}
          {t('libImportSummary', [String(summary.claims.added), String(summary.claims.merged), String(summary.claims.skipped), String(summary.pages.added), String(summary.pages.merged), String(summary.tags.added)])}
          {summary.notes?.length ? (
            <details open={summary.notes.length <= 5} data-testid="import-notes">
              <summary>{t('impNotesHeading')} {summary.notes.length}</summary>
              <ul>{summary.notes.slice(0, 200).map((n, i) => <li key={i}>{t(n.key, n.args)}</li>)}</ul>
            </details>
          ) : null}
          <ImportSigner evidence={summary.evidence} />
        </div>
      )}

      {hits ? (
        <section aria-label={t('libSearchResults')}>
          <h2>{t('libSearchCount', [String(hits.hits.length)])}</h2>
          <ol class="hits" data-testid="search-results" data-query={hits.q}>
            {hits.hits.map((h) => (
              <li key={`${h.kind}:${h.id}`} data-kind={h.kind}>
                <span class="chip">{t(`libHit_${h.field}`)}</span>{' '}
                {(() => {
                  const p = hits.pages.get(h.pageId);
                  if (!p) return null;
                  // The saved copy when there is one, else the live page.
                  return p.savedAt ? (
                    <a href={`reader.html?page=${encodeURIComponent(p.id)}`} dir="auto">{p.title}</a>
                  ) : (
                    <a href={p.url} target="_blank" rel="noreferrer" dir="auto">{p.title}</a>
                  );
                })()}
                <p class="snippet" dir="auto">
                  {h.snippet.before}
                  <mark>{h.snippet.match}</mark>
                  {h.snippet.after}
                </p>
              </li>
            ))}
          </ol>
        </section>
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
              <fieldset class="filters">
                <legend class="visually-hidden">{t('libFilters')}</legend>
                <label>
                  {t('tagsLabel')}
                  <select data-testid="filter-tag" value={filters.tag ?? ''} onFocus={() => setWantCounts(true)} onMouseDown={() => setWantCounts(true)} onChange={(e) => setFilter({ tag: (e.target as HTMLSelectElement).value || undefined })}>
                    <option value="">{t('libAny')}</option>
                    {tags.map((tg) => <option value={tg.name}>{Number.isNaN(tg.count) ? tg.name : `${tg.name} (${tg.count})`}</option>)}
                  </select>
                </label>
                {members.length > 0 && (
                  <label>
                    {t('teamFilterMember')}
                    <select data-testid="filter-member" value={filters.member ?? ''} onChange={(e) => setFilter({ member: (e.target as HTMLSelectElement).value || undefined })}>
                      <option value="">{t('teamFilterEveryone')}</option>
                      <option value="me">{t('teamFilterMe')}</option>
                      {members.map((m) => <option value={m.id}>{m.name}</option>)}
                    </select>
                  </label>
                )}
                <label>
                  {t('colSite')}
                  <select value={filters.site ?? ''} onChange={(e) => setFilter({ site: (e.target as HTMLSelectElement).value || undefined })}>
                    <option value="">{t('libAny')}</option>
                    {sites.map((s) => <option value={s}>{s}</option>)}
                  </select>
                </label>
                <label>
                  {t('libColour')}
                  <select value={filters.color ?? ''} onChange={(e) => setFilter({ color: ((e.target as HTMLSelectElement).value || undefined) as Color | undefined })}>
                    <option value="">{t('libAny')}</option>
                    {COLORS.map((c) => <option value={c}>{t(`color_${c}`)}</option>)}
                  </select>
                </label>
                <DateField label={t('libFrom')} testId="filter-from" value={filters.from} onChange={(from) => setFilter({ from })} />
                <DateField label={t('libTo')} testId="filter-to" value={filters.to} onChange={(to) => setFilter({ to })} />
                <label>
                  {t('watchFilterLive')}
                  <select data-testid="filter-live" value={filters.live ?? ''} onChange={(e) => setFilter({ live: ((e.target as HTMLSelectElement).value || undefined) as Filters['live'] })}>
                    <option value="">{t('libAny')}</option>
                    <option value="changed">{t('watchFilterChanged')}</option>
                    <option value="gone">{t('watchFilterGone')}</option>
                  </select>
                </label>
                <label>
                  {t('libSort')}
                  <select value={filters.sort} onChange={(e) => setFilter({ sort: (e.target as HTMLSelectElement).value as Filters['sort'] })}>
                    <option value="date-desc">{t('libSortNewest')}</option>
                    <option value="date-asc">{t('libSortOldest')}</option>
                    <option value="site">{t('libSortSite')}</option>
                  </select>
                </label>
                <label class="check">
                  <input type="checkbox" checked={!!filters.orphans} onChange={(e) => setFilter({ orphans: (e.target as HTMLInputElement).checked || undefined })} />
                  {t('libHasOrphans')}
                </label>
              </fieldset>

              <div class="selbar" aria-live="polite">
                {tab === 'claims' && filters.tag && (
                  <label class="check">
                    <input type="checkbox" data-testid="group-by-article" checked={grouped} onChange={(e) => setGrouped((e.target as HTMLInputElement).checked)} />
                    {t('libGroupByArticle')}
                  </label>
                )}
                <span data-testid="count">{total !== undefined ? t(tab === 'articles' ? 'libCountArticles' : 'libCountClaims', [String(total)]) : t('loading')}</span>
                {selected.size > 0 && (
                  <>
                    <span data-testid="selected-count">{t('libSelected', [String(selected.size)])}</span>
                    <button type="button" data-testid="export-selection" aria-disabled={!!progress} onClick={() => !progress && runExport(selection, tab === 'claims' ? 'claims' : 'articles')}>{t('libExportSelection')}</button>
                    <label for="bulk" class="visually-hidden">{t('libBulkTagLabel')}</label>
                    <input id="bulk" data-testid="bulk-tag" placeholder={t('libBulkTagLabel')} value={bulkTag} onInput={(e) => setBulkTag((e.target as HTMLInputElement).value)} list="tag-names" />
                    <datalist id="tag-names">{tags.map((tg) => <option value={tg.name} />)}</datalist>
                    <button type="button" data-testid="bulk-add" onClick={() => applyBulkTag(false)}>{t('libAddTag')}</button>
                    <button type="button" onClick={() => applyBulkTag(true)}>{t('libRemoveTag')}</button>
                    <button type="button" onClick={() => setSelected(new Set())}>{t('libClearSelection')}</button>
                  </>
                )}
              </div>

              {total === 0 && <p class="muted" data-testid="empty">{filtersActive(filters) ? t('libNoMatch') : t('libraryEmpty')}</p>}
              {cur && total! > 0 && tab === 'articles' && (
                <VirtualList<Row> total={total!} rowHeight={ARTICLE_ROW} version={cur.key} fetch={loadPages} label={t('libTab_articles')} testId="articles" row={(id, r) => !id ? <div class="row main muted">…</div> : (
                  <div class="row" data-page-id={id}>
                    <input type="checkbox" aria-label={t('libSelect')} checked={selected.has(id)} onChange={() => toggle(id)} />
                    {r?.page ? (
                      <div class="main">
                        <div class="title" dir="auto" lang={r.page.lang}>
                          {r.page.savedAt ? <a href={`reader.html?page=${encodeURIComponent(id)}`}>{r.page.title}</a> : <span>{r.page.title}</span>}
                        </div>
                        <div class="meta muted split">
                          <span class="facts">
                          {r.page.siteName ?? hostOf(r.page.url)} · <ClaimCount db={db} pageId={id} version={cur.key} /> · {fmtDate(r.page.createdAt)}
                          {r.page.savedAt ? ` · ${t('libSaved', [fmtDate(r.page.savedAt)])}` : ''} ·
                          </span>
                          <span class="links">
                          <a href={r.page.url} target="_blank" rel="noreferrer">{t('libLive')}</a> ·{' '}
                          <button type="button" class="link" onClick={() => exportArticleHtml(db, id, uiLang()).then((n) => setStatus(t('libExported', [n])))}>{t('libExportHtml')}</button>{' '}·{' '}
                          <button type="button" class="link" data-testid="export-article-wacz" aria-disabled={!!progress} onClick={() => !progress && runExport({ kind: 'pages', pageIds: [id] }, r.page!.title)}>{t('libExportWacz')}</button>
{' '}·{' '}
                          <button type="button" class="link" data-testid="open-timeline" onClick={() => setTimeline({ id, title: r.page!.title })}>{t('watchTimeline')}</button>
                          </span>
                        </div>
                      </div>
                    ) : <div class="main muted">…</div>}
                  </div>
                )} />
              )}
              {tab === 'claims' && filters.tag && grouped && <TagGroups db={db} tag={filters.tag} version={version} onError={setError} />}
              {cur && total! > 0 && tab === 'claims' && !(filters.tag && grouped) && (
                <VirtualList<Row> total={total!} rowHeight={CLAIM_ROW} version={cur.key} fetch={loadClaims} label={t('libTab_claims')} testId="claims" row={(id, r) => !id ? <div class="row main muted">…</div> : (
                  <div class="row" data-claim-id={id}>
                    <input type="checkbox" aria-label={t('libSelect')} checked={selected.has(id)} onChange={() => toggle(id)} />
                    {r?.claim ? (
                      <div class="main">
                        <div class="quote" dir="auto">
                          <span class="swatch" style={{ background: `var(--hl-${r.claim.body.color})` }} role="img" aria-label={t(`color_${r.claim.body.color}`)} />{' '}
                          <ClaimLink claim={r.claim} page={r.page} /> <LibraryCite db={db} claim={r.claim} onError={setError} />
                        </div>
                        <div class="meta muted" dir="auto">
                          {r.claim.author && <span class="chip by" data-testid="claim-author">{t(r.claim.author.unconfirmed ? 'teamByUnconfirmed' : 'teamBy', r.claim.author.name)}</span>}
                          {r.claim.anchor === 'orphan' && <span class="chip orphan">{t('libOrphan')}</span>}
                          {r.claim.body.tags.map((tg) => <span class="chip">{tg}</span>)}
                          {r.claim.body.note && <span class="note">{r.claim.body.note}</span>} {r.page?.title} · {fmtDate(r.claim.created)}
                        </div>
                      </div>
                    ) : <div class="main muted">…</div>}
                  </div>
                )} />
              )}
            </>
          )}
        </>
      )}
      <div class="notices">
        <div role="status">
          {status && (
            <div class="notice">
              <span data-testid="status">{status}</span>
              <button type="button" class="close" aria-label={t('libDismiss')} title={t('libDismiss')} onClick={() => setStatus('')}>×</button>
            </div>
          )}
        </div>
        {error && (
          <div class="notice error" role="alert">
            <span data-testid="error">{error}</span>
            <button type="button" class="close" aria-label={t('libDismiss')} title={t('libDismiss')} onClick={() => setError('')}>×</button>
          </div>
        )}
      </div>
    </main>
  );
}

/** A refusal in the reader's language: the headline of its family, then the detail (which file, what) from its code and parameters. */
function importErrorText(err: unknown, db: ReturnType<typeof getDb>): string {
  if (err instanceof BundleError) {
    const detail = t(err.messageKey, err.args);
    return `${t(headlineKey(err.code))} ${err.prefixed && err.file ? `${err.file}: ` : ''}${detail === err.messageKey ? err.message : detail}`;
  }
  // A full disk or a failed write: nothing was imported.
  const storage = errorResult(err, db);
  if (!storage.ok && (storage.error.code === 'quota-exceeded' || storage.error.code === 'storage-failed')) return errorText(storage.error);
  return (err as Error).message;
}

/** A bundle's title in the reader's language (index.html and claims.md show it). */
function bundleTitle(sel: Selection): string {
  if (sel.kind === 'all') return t('expTitleLibrary');
  if (sel.kind === 'tag') return t('expTitleTag', sel.tag);
  return t(sel.kind === 'claims' ? 'expTitleClaims' : 'expTitleArticles');
}

function filtersActive(f: Filters) {
  return !!(f.tag || f.site || f.color || f.from || f.to || f.orphans || f.member || f.live);
}
