/**
 * Quick wipe (issue 28, docs/wipe.md): one button, then a 5-second countdown
 * the reader sees and hears (an assertive live region), which Escape or
 * Cancel stops (focus moves to Cancel). At zero the page asks the background
 * to wipe (`wipe.everything`). The countdown lives in this page: closing the
 * popup or the tab before zero stops it too.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../utils/ext/i18n';
import { send } from '../utils/ext/client';
import { errorText } from '../utils/ext/errors';
import { WIPE_COUNTDOWN_SECONDS } from '../utils/wipe';
import './wipe.css';

type Phase = 'idle' | 'counting' | 'wiping' | 'done' | 'cancelled' | 'failed';

export function QuickWipe({ compact = false }: { compact?: boolean }) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [left, setLeft] = useState(WIPE_COUNTDOWN_SECONDS);
  const [error, setError] = useState('');
  const cancelButton = useRef<HTMLButtonElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);

  const cancel = () => {
    setPhase('cancelled');
    // Back where the reader started, so a second press of Enter does not start it again unseen.
    queueMicrotask(() => startButton.current?.focus());
  };

  useEffect(() => {
    if (phase !== 'counting') return;
    const started = Date.now();
    setLeft(WIPE_COUNTDOWN_SECONDS);
    cancelButton.current?.focus();
    const tick = setInterval(() => {
      const remaining = WIPE_COUNTDOWN_SECONDS - Math.floor((Date.now() - started) / 1000);
      if (remaining > 0) return setLeft(remaining);
      clearInterval(tick);
      setPhase('wiping');
      void send('wipe.everything', {}).then((r) => {
        if (r.ok) setPhase('done');
        else {
          setError(errorText(r.error));
          setPhase('failed');
        }
      });
    }, 100);
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      clearInterval(tick);
      cancel();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      clearInterval(tick);
      document.removeEventListener('keydown', onKey);
    };
  }, [phase]);

  const counting = phase === 'counting';
  const status =
    phase === 'counting' ? t('wipeCountdown', String(left))
    : phase === 'wiping' ? t('wipeWiping')
    : phase === 'done' ? t('wipeDone')
    : phase === 'cancelled' ? t('wipeCancelled')
    : phase === 'failed' ? t('wipeFailed', error)
    : '';

  return (
    <div class={`quick-wipe${compact ? ' compact' : ''}`} data-testid="quick-wipe" data-phase={phase}>
      {!compact && <p class="muted" id="wipe-explain">{t('wipeExplain')}</p>}
      {!counting && phase !== 'wiping' && (
        <button type="button" class="danger" ref={startButton} data-testid="wipe-start" aria-describedby={compact ? undefined : 'wipe-explain'} onClick={() => setPhase('counting')}>
          {t('wipeButton')}
        </button>
      )}
      {counting && (
        <div class="wipe-countdown" data-testid="wipe-countdown">
          <span class="wipe-seconds" aria-hidden="true" data-testid="wipe-seconds">{left}</span>
          <button type="button" ref={cancelButton} data-testid="wipe-cancel" onClick={cancel}>
            {t('wipeCancel')}
          </button>
        </div>
      )}
      {/* Always in the page, so screen readers hear each change (assertive: a wipe is about to happen). */}
      <p class={`wipe-status${phase === 'failed' ? ' error' : ''}`} role="status" aria-live="assertive" aria-atomic="true" data-testid="wipe-status">
        {status}
      </p>
    </div>
  );
}
