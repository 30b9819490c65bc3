import { quoteOf, type Annotation } from '../utils/annotation';
import { t } from '../utils/ext/i18n';

/** One claim as lists show it: colour, quote, tags as chips, note. */
export function ClaimItem({ annotation }: { annotation: Annotation }) {
  const quote = quoteOf(annotation);
  return (
    <article class="claim" data-claim-id={annotation.id} data-color={annotation.body.color}>
      <span class="swatch" style={{ background: `var(--hl-${annotation.body.color})` }} aria-label={t(`color_${annotation.body.color}`)} role="img" />
      {annotation.author && <p class="by">{t(annotation.author.unconfirmed ? 'teamByUnconfirmed' : 'teamBy', annotation.author.name)}</p>}
      <blockquote>{quote?.exact}</blockquote>
      {annotation.body.tags.length > 0 && (
        <ul class="tags" aria-label={t('tagsLabel')}>
          {annotation.body.tags.map((tag) => (
            <li class="chip">{tag}</li>
          ))}
        </ul>
      )}
      {annotation.body.note && <p class="note">{annotation.body.note}</p>}
    </article>
  );
}
