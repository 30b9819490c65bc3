import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../utils/ext/i18n';
import type { Annotation } from '../utils/annotation';
import type { CaptureRecord, PageRecord } from '../utils/db';
import type { AnchorReport, PageView } from '../utils/messages';
import { useWindowList } from './useWindowList';
import { ClaimCard, type Place } from './ClaimCard';
import './claims.css';

interface Row {
  a: Annotation;
  place: Place;
}

/**
 * The page's claims in document order (then those not placed yet), and the
 * Orphans apart; both lists virtualized; a filter by tag. The side panel
 * (the tab's report) and the reader page (its own highlighter's) show it.
 */
export function ClaimsView({
  view,
  report,
  onShow,
  onError,
  heading,
}: {
  view: PageView;
  report: AnchorReport | null;
  onShow(id: string): void;
  onError(m: string): void;
  /** The id of the heading above the claims (tabindex -1): the focus goes there when the last card it was on is deleted. */
  heading?: string;
}) {
  const [filter, setFilter] = useState('');
  // Team sync: '' everyone, 'me' the reader's own, else a colleague's member id.
  const [member, setMember] = useState('');
  const { list, orphanList, allTags, members } = useMemo(() => {
    const byId = new Map(view.annotations.map((a) => [a.id, a]));
    // Document order as the page reports it; claims the page has not placed yet follow; orphans apart.
    const placed = (report?.claims ?? []).filter((c) => byId.has(c.id));
    const orphanIds = new Set(report ? report.orphans : view.annotations.filter((a) => a.anchor === 'orphan').map((a) => a.id));
    const placedIds = new Set(placed.map((c) => c.id));
    const pending = view.annotations.filter((a) => !placedIds.has(a.id) && !orphanIds.has(a.id));
    const byMember = (a: Annotation) => !member || (member === 'me' ? !a.author : a.author?.id === member);
    const shown = (a: Annotation) => (!filter || a.body.tags.includes(filter)) && byMember(a);
    return {
      list: [
        ...placed.map((c): Row => ({ a: byId.get(c.id)!, place: c.weak ? 'weak' : 'anchored' })),
        ...pending.map((a): Row => ({ a, place: 'pending' })),
      ].filter((x) => shown(x.a)),
      orphanList: view.annotations.filter((a) => orphanIds.has(a.id) && shown(a)).map((a): Row => ({ a, place: 'orphan' })),
      allTags: [...new Set(view.annotations.flatMap((a) => a.body.tags))].sort((a, b) => a.localeCompare(b)),
      members: [...new Map(view.annotations.filter((a) => a.author).map((a) => [a.author!.id, a.author!.name])).entries()],
    };
  }, [view, report, filter, member]);
  const cite = { page: view.page, capture: view.capture };

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
      {members.length > 0 && (
        <label class="filter">
          {t('teamFilterMember')}
          <select value={member} onChange={(e) => setMember((e.target as HTMLSelectElement).value)} data-testid="member-filter">
            <option value="">{t('teamFilterEveryone')}</option>
            <option value="me">{t('teamFilterMe')}</option>
            {members.map(([id, name]) => (
              <option value={id}>{name}</option>
            ))}
          </select>
        </label>
      )}
      {list.length === 0 && orphanList.length === 0 && <p class="muted">{t('spNoMatch')}</p>}
      <p id="claims-keys" class="visually-hidden">{t('spKeysHint')}</p>
      <ClaimList rows={list} ordered label={t('claimsLabel')} testId="claims" cite={cite} onShow={onShow} onError={onError} heading={heading} />
      {orphanList.length > 0 && (
        <section class="orphans" aria-labelledby="orphans-h" data-testid="orphans">
          <h2 id="orphans-h">
            {t('spOrphans')} <span class="count">({orphanList.length})</span>
          </h2>
          <p class="muted small">{t('spOrphansHelp')}</p>
          <ClaimList rows={orphanList} testId="orphan-claims" cite={cite} onError={onError} heading={heading} />
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
function ClaimList(props: {
  rows: Row[];
  ordered?: boolean;
  label?: string;
  testId?: string;
  cite: { page: PageRecord | null; capture: CaptureRecord | null };
  onShow?(id: string): void;
  onError(m: string): void;
  heading?: string;
}) {
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

  // A deleted card takes the focus with it (to <body>): it goes to the next card, else the previous,
  // else the heading above the list (issue 22). Decided when Delete is pressed, done once the card is gone.
  const rowsNow = useRef(rows);
  rowsNow.current = rows;
  const focusRowNow = useRef(focusRow);
  focusRowNow.current = focusRow;
  const headingId = useRef(props.heading);
  headingId.current = props.heading;
  const afterDelete = useRef<{ deleted: string; target: string | null; hadFocus: boolean } | null>(null);
  const focusHeading = () => {
    const h = headingId.current ? document.getElementById(headingId.current) : null;
    h?.focus();
  };
  const onDelete = useRef((id: string, phase: 'start' | 'done' | 'failed') => {
    if (phase === 'failed') afterDelete.current = null;
    if (phase !== 'start') {
      // The last card: the list may go away with it, so the heading takes the focus now.
      if (phase === 'done' && afterDelete.current?.deleted === id && !afterDelete.current.target && afterDelete.current.hadFocus) {
        afterDelete.current = null;
        focusHeading();
      }
      return;
    }
    const all = rowsNow.current;
    const at = all.findIndex((r) => r.a.id === id);
    const card = list.ref.current?.querySelector(`[data-claim-id="${CSS.escape(id)}"]`);
    afterDelete.current = { deleted: id, target: all[at + 1]?.a.id ?? all[at - 1]?.a.id ?? null, hadFocus: !!card?.contains(document.activeElement) };
  }).current;
  useEffect(() => {
    const p = afterDelete.current;
    if (!p || rows.some((r) => r.a.id === p.deleted)) return;
    afterDelete.current = null;
    // Only when the person was on that card (a claim deleted from the page's toolbar leaves the focus where it is).
    if (!p.hadFocus) return;
    const i = p.target ? rows.findIndex((r) => r.a.id === p.target) : -1;
    if (i >= 0) focusRowNow.current(i);
    else focusHeading();
  }, [rows]);

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
              page={props.cite.page}
              capture={props.cite.capture}
              onShow={place === 'pending' || place === 'orphan' || !props.onShow ? undefined : () => props.onShow!(a.id)}
              onError={props.onError}
              onEditing={(on) => onEditing(a.id, on)}
              onDelete={onDelete}
            />
          </li>
        );
      })}
    </Tag>
  );
}
