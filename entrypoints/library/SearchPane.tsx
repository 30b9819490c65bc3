import { t } from '../../utils/ext/i18n';
import type { Hits } from '../../utils/library/rows';

/** Search results: where each hit is (quote, note, tag, title, text), its article, a snippet with the match marked. */
export function SearchPane({ hits }: { hits: Hits }) {
  return (
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
  );
}
