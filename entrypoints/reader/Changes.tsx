import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { paragraphsOfCapture, type SavedCopy } from '../../components/saved-copy';
import { countChanges, diffParagraphs, type ParagraphChange } from '../../utils/diff';

/** What changed in the article text between the shown capture and the one before it. */
export function Changes({ copy }: { copy: SavedCopy }) {
  const [changes, setChanges] = useState<ParagraphChange[] | null>(null);
  const index = copy.captures.findIndex((c) => c.id === copy.capture.id);
  const previous = copy.captures[index + 1];

  useEffect(() => {
    if (!previous) return setChanges(null);
    void paragraphsOfCapture(previous).then((before) => setChanges(before ? diffParagraphs(before, copy.paragraphs) : null));
  }, [previous?.id, copy]);

  if (!previous || !changes) return null;
  const n = countChanges(changes);
  return (
    <section aria-labelledby="changes-h" data-testid="changes">
      <h2 id="changes-h">{t('readerShowChanges')}</h2>
      {n === 0 ? (
        <p class="muted">{t('readerNoChanges')}</p>
      ) : (
        <details open>
          <summary>{t('readerChangesCount', String(n))}</summary>
          <div class="diff" lang={copy.page.lang}>
            {changes.map((c, i) =>
              c.kind === 'same' ? null : c.kind === 'added' ? (
                <p key={i}>
                  <ins>{c.text}</ins>
                </p>
              ) : c.kind === 'removed' ? (
                <p key={i}>
                  <del>{c.text}</del>
                </p>
              ) : (
                <p key={i}>
                  {c.words.map((w, j) => (w.op === 'same' ? w.value : w.op === 'add' ? <ins key={j}>{w.value}</ins> : <del key={j}>{w.value}</del>))}
                </p>
              ),
            )}
          </div>
        </details>
      )}
    </section>
  );
}
