/**
 * The unlock form (popup, library): the passphrase, or the printed recovery
 * key; a wrong one says so and changes nothing (docs/lock.md).
 */
import { useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import './lock.css';

export function UnlockForm({ onUnlocked, intro }: { onUnlocked?: () => void; intro?: string }) {
  const [via, setVia] = useState<'passphrase' | 'recovery'>('passphrase');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await send('lock.unlock', { secret, via });
    setBusy(false);
    if (!r.ok) {
      setError(errorText(r.error));
      return;
    }
    setSecret('');
    onUnlocked?.();
  };

  const id = via === 'passphrase' ? 'unlock-passphrase' : 'unlock-recovery';
  return (
    <form class="lock-form" onSubmit={(e) => void submit(e)} data-testid="unlock-form">
      <p class="lock-state">{intro ?? t('lockStateLocked')}</p>
      <label for={id}>{via === 'passphrase' ? t('lockPassphrase') : t('lockRecoveryLabel')}</label>
      <input
        id={id}
        type={via === 'passphrase' ? 'password' : 'text'}
        autocomplete="off"
        spellcheck={false}
        value={secret}
        onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'unlock-error' : undefined}
      />
      <button type="submit" class="primary" disabled={busy || !secret}>
        {t('lockUnlock')}
      </button>
      {busy && <p class="muted" role="status">{t('lockWorking')}</p>}
      {error && (
        <p id="unlock-error" class="error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        class="link"
        onClick={() => {
          setVia(via === 'passphrase' ? 'recovery' : 'passphrase');
          setSecret('');
          setError(null);
        }}
      >
        {via === 'passphrase' ? t('lockUseRecovery') : t('lockUsePassphrase')}
      </button>
    </form>
  );
}
