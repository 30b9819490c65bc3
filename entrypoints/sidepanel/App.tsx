import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import type { Annotation } from '../../utils/annotation';
import type { AnchorReport, PageView } from '../../utils/messages';
import { useActivePage } from '../../components/useActivePage';
import { useWindowList } from '../../components/useWindowList';
import { FramesNotice } from '../../components/FramesNotice';
import { ChangedSince } from '../../components/ChangedSince';
import { ClaimCard, type Place } from './ClaimCard';
import './sidepanel.css';

export function App() {
  const state = useActivePage();
  const [error, setError] = useState('');

  if (state.kind !== 'ready') {
    return (
      <main>
        <h1>{t('sidepanelTitle')}</h1>
        {state.kind === 'loading' && <p class="muted">{t('loading')}</p>}
        {state.kind === 'unsupported' && <p class="muted">{t('popupUnsupported')}</p>}
        {state.kind === 'error' && <p class="error" role="alert">{state.message}</p>}
      </main>
    );
  }

  const { view, report, tabId } = state;
  return (
    <main>
      <h1>{t('sidepanelTitle')}</h1>
      <p class="page-title">{view.page?.title ?? state.status.title}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <FramesNotice frames={state.status.frames} />
      <ChangedSince pageId={view.page?.id ?? null} tabId={tabId} annotations={view.annotations} />
      {view.annotations.length === 0 ? (
        <p class="muted" data-testid="empty">{t('sidepanelEmpty')}</p>
      ) : (
        <Claims view={view} report={report} tabId={tabId} onError={setError} />
      )}
    </main>
  );
}

interface Row {
  a: Annotation;
  place: Place;
}

/** The page's claims in document order (then those not placed yet), and the Orphans apart; both lists virtualized. */
function Claims({ view, report, tabId, onError }: { view: PageView; report: AnchorReport | null; tabId: number; onError(m: string): void }) {
  const [filter, setFilter] = useState('');
  const { list, orphanList, allTags } = useMemo(() => {
    const byId = new Map(view.annotations.map((a) => [a.id, a]));
    // Document order as the page reports it; claims the page has not placed yet follow; orphans apart.
    const placed = (report?.claims ?? []).filter((c) => byId.has(c.id));
    const orphanIds = new Set(report ? report.orphans : view.annotations.filter((a) => a.anchor === 'orphan').map((a) => a.id));
    const placedIds = new Set(placed.map((c) => c.id));
    const pending = view.annotations.filter((a) => !placedIds.has(a.id) && !orphanIds.has(a.id));
    const shown = (a: Annotation) => !filter || a.body.tags.includes(filter);
    return {
      list: [
        ...placed.map((c): Row => ({ a: byId.get(c.id)!, place: c.weak ? 'weak' : 'anchored' })),
        ...pending.map((a): Row => ({ a, place: 'pending' })),
      ].filter((x) => shown(x.a)),
      orphanList: view.annotations.filter((a) => orphanIds.has(a.id) && shown(a)).map((a): Row => ({ a, place: 'orphan' })),
      allTags: [...new Set(view.annotations.flatMap((a) => a.body.tags))].sort((a, b) => a.localeCompare(b)),
    };
  }, [view, report, filter]);
  const show = (id: string) => void browser.tabs.sendMessage(tabId, { command: 'scroll-to', annotationId: id }).catch(() => undefined);

  return (
    <>
      {allTags.length > 0 && (
        <label class="filter">
          {t('spFilterLabel')}
          <select value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value)}>
            <option value="">{t('spAllTags')}</option>
            {allTags.map((tag) => (
              <option value={tag}>{tag}</option>
            ))}
          </select>
        </label>
      )}
      {list.length === 0 && orphanList.length === 0 && <p class="muted">{t('spNoMatch')}</p>}
      <p id="claims-keys" class="visually-hidden">{t('spKeysHint')}</p>
      <ClaimList rows={list} ordered label={t('claimsLabel')} testId="claims" onShow={show} onError={onError} />
      {orphanList.length > 0 && (
        <section class="orphans" aria-labelledby="orphans-h" data-testid="orphans">
          <h2 id="orphans-h">
            {t('spOrphans')} <span class="count">({orphanList.length})</span>
          </h2>
          <p class="muted small">{t('spOrphansHelp')}</p>
          <ClaimList rows={orphanList} onError={onError} />
        </section>
      )}
    </>
  );
}

const NAV_KEYS = new Set(['ArrowDown', 'ArrowUp', 'Home', 'End', 'PageDown', 'PageUp']);

/**
 * One virtualized list of claim cards (components/useWindowList.ts): only the
 * cards near the viewport exist; the card with focus and cards being edited
 * stay. Arrow keys, Page Up/Down, Home and End move between cards; Tab walks
 * each card's controls.
 */
function ClaimList(props: { rows: Row[]; ordered?: boolean; label?: string; testId?: string; onShow?(id: string): void; onError(m: string): void }) {
  const { rows } = props;
  const [editing, setEditing] = useState<ReadonlySet<string>>(new Set());
  const focused = useRef<string | null>(null);
  const pinned = new Set(editing);
  if (focused.current) pinned.add(focused.current);
  // Stable while the rows are (scrolling re-renders): a new key function makes the list re-measure.
  const keyOf = useCallback((i: number) => rows[i].a.id, [rows]);
  const list = useWindowList({ count: rows.length, key: keyOf, estimate: 96, gap: 8, pinned });

  const onEditing = (id: string, on: boolean) =>
    setEditing((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const navOf = (index: number) => list.ref.current?.querySelector<HTMLElement>(`:scope > li[data-index="${index}"] [data-nav]`);
  /** Focus card `index`: at once when it is rendered (focus scrolls it into view), else after scrolling there. */
  const focusRow = (index: number) => {
    const here = navOf(index);
    if (here) return here.focus();
    list.scrollTo(index, 'start');
    let tries = 0;
    const step = () => {
      const el = navOf(index);
      if (el) el.focus();
      else if (tries++ < 20) requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    // Not inside the edit form: arrows move between colours there, and Home/End in the text fields.
    if (!NAV_KEYS.has(e.key) || target.closest('form, input, textarea, select')) return;
    const li = target.closest<HTMLElement>('li[data-index]');
    if (!li) return;
    const at = Number(li.dataset.index);
    const page = Math.max(1, Math.floor(window.innerHeight / 120));
    const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1, PageDown: at + page, PageUp: at - page }[e.key]!;
    e.preventDefault();
    focusRow(Math.min(rows.length - 1, Math.max(0, next)));
  };

  const Tag = props.ordered ? 'ol' : 'ul';
  return (
    <Tag
      ref={list.ref}
      class="claims virtual"
      aria-label={props.label}
      aria-describedby="claims-keys"
      data-testid={props.testId}
      style={{ height: `${list.totalSize}px` }}
      onKeyDown={onKeyDown}
      onFocusIn={(e) => {
        const li = (e.target as HTMLElement).closest<HTMLElement>('li[data-index]');
        focused.current = li ? (rows[Number(li.dataset.index)]?.a.id ?? null) : null;
      }}
      onFocusOut={(e) => {
        if (!list.ref.current?.contains(e.relatedTarget as Node | null)) focused.current = null;
      }}
    >
      {list.items.map((item) => {
        const { a, place } = rows[item.index];
        return (
          <li
            key={item.key}
            data-index={item.index}
            ref={list.measure}
            aria-posinset={item.index + 1}
            aria-setsize={rows.length}
            style={{ transform: `translateY(${item.start - list.margin}px)` }}
          >
            <ClaimCard
              annotation={a}
              place={place}
              onShow={place === 'pending' || place === 'orphan' || !props.onShow ? undefined : () => props.onShow!(a.id)}
              onError={props.onError}
              onEditing={(on) => onEditing(a.id, on)}
            />
          </li>
        );
      })}
    </Tag>
  );
}
