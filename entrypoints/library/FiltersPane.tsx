import { t } from '../../utils/ext/i18n';
import type { TagRecord } from '../../utils/db';
import { COLORS, type Color } from '../../utils/annotation';
import type { Filters } from '../../utils/library/query';
import { DateField } from './DateField';

/** The filters of the articles and claims lists: tag, team member, site, colour, dates, live article, sort, orphans. */
export function FiltersPane(props: {
  filters: Filters;
  setFilter(patch: Partial<Filters>): void;
  tags: (TagRecord & { count: number })[];
  members: { id: string; name: string }[];
  sites: string[];
  /** The tag filter is being opened: its counts are wanted. */
  onWantCounts(): void;
}) {
  const { filters, setFilter, tags, members, sites } = props;
  return (
    <fieldset class="filters">
      <legend class="visually-hidden">{t('libFilters')}</legend>
      <label>
        {t('tagsLabel')}
        <select data-testid="filter-tag" value={filters.tag ?? ''} onFocus={props.onWantCounts} onMouseDown={props.onWantCounts} onChange={(e) => setFilter({ tag: (e.target as HTMLSelectElement).value || undefined })}>
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
  );
}

export function filtersActive(f: Filters) {
  return !!(f.tag || f.site || f.color || f.from || f.to || f.orphans || f.member || f.live);
}
