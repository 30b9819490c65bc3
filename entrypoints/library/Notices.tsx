import { t } from '../../utils/ext/i18n';

/** The status line and the error, each with a close button. */
export function Notices(props: { status: string; error: string; setStatus(s: string): void; setError(s: string): void }) {
  return (
    <div class="notices">
      <div role="status">
        {props.status && (
          <div class="notice">
            <span data-testid="status">{props.status}</span>
            <button type="button" class="close" aria-label={t('libDismiss')} title={t('libDismiss')} onClick={() => props.setStatus('')}>×</button>
          </div>
        )}
      </div>
      {props.error && (
        <div class="notice error" role="alert">
          <span data-testid="error">{props.error}</span>
          <button type="button" class="close" aria-label={t('libDismiss')} title={t('libDismiss')} onClick={() => props.setError('')}>×</button>
        </div>
      )}
    </div>
  );
}
