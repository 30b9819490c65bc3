/**
 * Settings → Lock with a passphrase (docs/lock.md): turn it on (passphrase
 * twice, then the recovery key shown once to copy or print), the sealing
 * progress, lock now, idle minutes, a new passphrase.
 */
import { useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import { useLock } from './useLock';
import { UnlockForm } from './UnlockForm';
import './lock.css';

type Message = { ok: boolean; text: string } | null;

function Note({ message, testid }: { message: Message; testid: string }) {
  if (!message) return null;
  return (
    <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'muted' : 'error'} data-testid={testid}>
      {message.text}
    </p>
  );
}

function SetUp({ onDone }: { onDone: (recoveryKey: string) => void }) {
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (pass !== again) return setMessage({ ok: false, text: t('lockMismatch') });
    setBusy(true);
    setMessage(null);
    const r = await send('lock.setUp', { passphrase: pass });
    setBusy(false);
    if (!r.ok) return setMessage({ ok: false, text: errorText(r.error) });
    setPass('');
    setAgain('');
    onDone(r.value.recoveryKey);
  };
  return (
    <form class="lock-form" onSubmit={(e) => void submit(e)} data-testid="lock-setup">
      <p>{t('lockIntro')}</p>
      <label for="lock-pass">{t('lockPassphrase')}</label>
      <input id="lock-pass" type="password" autocomplete="new-password" value={pass} onInput={(e) => setPass((e.target as HTMLInputElement).value)} />
      <label for="lock-again">{t('lockConfirm')}</label>
      <input id="lock-again" type="password" autocomplete="new-password" value={again} onInput={(e) => setAgain((e.target as HTMLInputElement).value)} />
      <button type="submit" class="primary" disabled={busy || !pass}>
        {t('lockTurnOn')}
      </button>
      {busy && <p class="muted" role="status">{t('lockWorking')}</p>}
      <Note message={message} testid="lock-message" />
    </form>
  );
}

function Recovery({ recoveryKey, onKept }: { recoveryKey: string; onKept: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="lock-form recovery-print" data-testid="recovery">
      <p class="lock-state">{t('lockRecoveryTitle')}</p>
      <p class="recovery-key" data-testid="recovery-key">
        {recoveryKey}
      </p>
      <p>{t('lockRecoveryHelp')}</p>
      <div class="lock-actions">
        <button type="button" onClick={() => void navigator.clipboard.writeText(recoveryKey).then(() => setCopied(true))}>
          {t('lockCopy')}
        </button>
        <button type="button" onClick={() => window.print()}>
          {t('lockPrint')}
        </button>
        <button type="button" class="primary" onClick={onKept}>
          {t('lockRecoveryDone')}
        </button>
      </div>
      {copied && <p role="status" class="muted">{t('lockCopied')}</p>}
    </div>
  );
}

function OnControls({ minutes, reload }: { minutes: number; reload: () => Promise<void> }) {
  const [idle, setIdle] = useState(String(minutes));
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [autoMsg, setAutoMsg] = useState<Message>(null);
  const [passMsg, setPassMsg] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const saveIdle = async (e: Event) => {
    e.preventDefault();
    const r = await send('lock.setAutoLock', { minutes: Number(idle) });
    setAutoMsg(r.ok ? { ok: true, text: t('lockAutoSaved') } : { ok: false, text: errorText(r.error) });
    await reload();
  };
  const change = async (e: Event) => {
    e.preventDefault();
    if (next !== again) return setPassMsg({ ok: false, text: t('lockMismatch') });
    setBusy(true);
    const r = await send('lock.changePassphrase', { current, next });
    setBusy(false);
    setPassMsg(r.ok ? { ok: true, text: t('lockChanged') } : { ok: false, text: errorText(r.error) });
    if (r.ok) {
      setCurrent('');
      setNext('');
      setAgain('');
    }
  };
  return (
    <>
      <div class="lock-actions">
        <button type="button" data-testid="lock-now" onClick={() => void send('lock.lockNow', {}).then(reload)}>
          {t('lockNow')}
        </button>
      </div>
      <form class="lock-form" onSubmit={(e) => void saveIdle(e)}>
        <label for="lock-idle">{t('lockAutoLabel')}</label>
        <input id="lock-idle" type="number" min={0} max={1440} step={1} value={idle} onInput={(e) => setIdle((e.target as HTMLInputElement).value)} style={{ width: '6em' }} />
        <button type="submit">{t('lockAutoSave')}</button>
        <Note message={autoMsg} testid="lock-idle-message" />
      </form>
      <form class="lock-form" onSubmit={(e) => void change(e)}>
        <h3>{t('lockChangeHeading')}</h3>
        <label for="lock-current">{t('lockCurrent')}</label>
        <input id="lock-current" type="password" autocomplete="current-password" value={current} onInput={(e) => setCurrent((e.target as HTMLInputElement).value)} />
        <label for="lock-new">{t('lockNew')}</label>
        <input id="lock-new" type="password" autocomplete="new-password" value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} />
        <label for="lock-new-again">{t('lockConfirm')}</label>
        <input id="lock-new-again" type="password" autocomplete="new-password" value={again} onInput={(e) => setAgain((e.target as HTMLInputElement).value)} />
        <button type="submit" disabled={busy || !current || !next}>
          {t('lockChange')}
        </button>
        {busy && <p class="muted" role="status">{t('lockWorking')}</p>}
        <Note message={passMsg} testid="lock-pass-message" />
      </form>
    </>
  );
}

export function LockSettings() {
  const [status, reload] = useLock();
  const [recovery, setRecovery] = useState<string | null>(null);
  return (
    <section aria-labelledby="lock-h" data-testid="lock-settings">
      <h2 id="lock-h">{t('lockHeading')}</h2>
      {recovery ? (
        <Recovery recoveryKey={recovery} onKept={() => setRecovery(null)} />
      ) : status?.state === 'off' ? (
        <SetUp onDone={(key) => void reload().then(() => setRecovery(key))} />
      ) : status?.state === 'locked' ? (
        <UnlockForm onUnlocked={() => void reload()} />
      ) : status?.state === 'open' ? (
        <>
          <p class="lock-state" data-testid="lock-state">{t('lockStateOn')}</p>
          {status.migration && (
            <p role="status" data-testid="lock-progress">
              {t('lockMigrating', [String(status.migration.done), String(status.migration.total)])}
            </p>
          )}
          <OnControls minutes={status.autoLockMinutes} reload={reload} />
        </>
      ) : null}
    </section>
  );
}
