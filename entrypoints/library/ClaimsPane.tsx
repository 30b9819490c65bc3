import { t } from '../../utils/ext/i18n';
import type { SaqtaDB } from '../../utils/db';
import type { ListSource } from '../../utils/library/query';
import { claimRows, type Row } from '../../utils/library/rows';
import { formatDate } from '../../components/format-date';
import { VirtualList } from './VirtualList';
import { ClaimLink, LibraryCite } from './claim-links';

/** Row height (px): a quote line and a line of details (library.css). */
const CLAIM_ROW = 54;

/** The claims list (windowed): colour, quote with its link and citation, author, tags, note, article, date. */
export function ClaimsPane(props: {
  db: SaqtaDB;
  source: ListSource;
  total: number;
  listKey: number;
  selected: Set<string>;
  toggle(id: string): void;
  setError(s: string): void;
}) {
  const { db, selected } = props;
  return (
    <VirtualList<Row> total={props.total} rowHeight={CLAIM_ROW} version={props.listKey} fetch={(offset, limit) => claimRows(db, props.source, offset, limit)} label={t('libTab_claims')} testId="claims" row={(id, r) => !id ? <div class="row main muted">…</div> : (
      <div class="row" data-claim-id={id}>
        <input type="checkbox" aria-label={t('libSelect')} checked={selected.has(id)} onChange={() => props.toggle(id)} />
        {r?.claim ? (
          <div class="main">
            <div class="quote" dir="auto">
              <span class="swatch" style={{ background: `var(--hl-${r.claim.body.color})` }} role="img" aria-label={t(`color_${r.claim.body.color}`)} />{' '}
              <ClaimLink claim={r.claim} page={r.page} /> <LibraryCite db={db} claim={r.claim} onError={props.setError} />
            </div>
            <div class="meta muted" dir="auto">
              {r.claim.author && <span class="chip by" data-testid="claim-author">{t(r.claim.author.unconfirmed ? 'teamByUnconfirmed' : 'teamBy', r.claim.author.name)}</span>}
              {r.claim.anchor === 'orphan' && <span class="chip orphan">{t('libOrphan')}</span>}
              {r.claim.body.tags.map((tg) => <span class="chip">{tg}</span>)}
              {r.claim.body.note && <span class="note">{r.claim.body.note}</span>} {r.page?.title} · {formatDate(r.claim.created)}
            </div>
          </div>
        ) : <div class="main muted">…</div>}
      </div>
    )} />
  );
}
