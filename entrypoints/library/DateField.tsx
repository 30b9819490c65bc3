import { useEffect, useState } from 'preact/hooks';
import { t, uiLang } from '../../utils/ext/i18n';
import { dateOrder, formatDateInput, parseDateInput } from '../../utils/library/date-input';

/**
 * A date filter typed in the reader's own pattern (utils/library/date-input.ts):
 * the filter changes as soon as the text is a whole date or empty; a wrong
 * date is marked and explained when the field is left.
 */
export function DateField(props: { label: string; testId: string; value: string | undefined; onChange(iso: string | undefined): void }) {
  const lang = uiLang();
  const [text, setText] = useState(formatDateInput(props.value, lang));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    if (parseDateInput(text, lang) !== (props.value ?? '')) setText(formatDateInput(props.value, lang));
  }, [props.value]);
  const hint = t(dateOrder(lang) === 'dmy' ? 'libDateHintDmy' : 'libDateHintYmd');
  const errId = `${props.testId}-error`;
  const apply = (value: string, leaving: boolean) => {
    const iso = parseDateInput(value, lang);
    if (iso !== null) {
      setBad(false);
      if (iso !== (props.value ?? '')) props.onChange(iso || undefined);
    } else if (leaving) setBad(true);
  };
  return (
    <label>
      {props.label}
      <input
        type="text"
        class="date"
        inputMode="numeric"
        autoComplete="off"
        data-testid={props.testId}
        placeholder={hint}
        title={hint}
        value={text}
        aria-invalid={bad}
        aria-describedby={bad ? errId : undefined}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          setText(v);
          apply(v, false);
        }}
        onBlur={(e) => apply((e.target as HTMLInputElement).value, true)}
        onKeyDown={(e) => e.key === 'Enter' && apply((e.target as HTMLInputElement).value, true)}
      />
      {bad && <span id={errId} class="error date-error">{t('libDateInvalid', hint)}</span>}
    </label>
  );
}
