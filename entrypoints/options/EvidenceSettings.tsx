import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import { requestTsaPermission } from '../../utils/ext/evidence';
import { PUBLIC_TSAS, checkTsaUrl } from '../../utils/evidence/settings';
import type { Api } from '../../utils/messages';

type Status = Api['evidence.status']['res'];
const OTHER = 'other';

/** Settings → Signing and timestamps: the install's key (fingerprint, public key) and the opt-in for RFC 3161 timestamps. */
export function EvidenceSettings() {
  const [status, setStatus] = useState<Status | null>(null);
  const [on, setOn] = useState(false);
  const [choice, setChoice] = useState(PUBLIC_TSAS[0]!.url);
  const [custom, setCustom] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const load = async () => {
    const r = await send('evidence.status', {});
    if (!r.ok) return setMessage({ ok: false, text: errorText(r.error) });
    setStatus(r.value);
    setOn(r.value.settings.timestamps);
    const known = PUBLIC_TSAS.some((x) => x.url === r.value.settings.tsaUrl);
    setChoice(known ? r.value.settings.tsaUrl : OTHER);
    if (!known) setCustom(r.value.settings.tsaUrl);
  };
  useEffect(() => void load(), []);

  const exportKey = () => {
    if (!status) return;
    const url = URL.createObjectURL(new Blob([status.publicKeyPem], { type: 'application/x-pem-file' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `saqta-public-key-${status.fingerprint.slice(0, 8)}.pem`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    let tsaUrl: string;
    try {
      tsaUrl = checkTsaUrl(choice === OTHER ? custom : choice);
    } catch {
      return setMessage({ ok: false, text: t('evidenceBadUrl') });
    }
    // Ask for the server's origin first, while the click still counts as the person's gesture.
    if (on && !(await requestTsaPermission(tsaUrl).catch(() => false))) {
      return setMessage({ ok: false, text: t('evidencePermissionRefused') });
    }
    const r = await send('evidence.setTimestamps', { timestamps: on, tsaUrl });
    setMessage(r.ok ? { ok: true, text: on ? t('evidenceTimestampsOn') : t('evidenceTimestampsOff') } : { ok: false, text: errorText(r.error) });
    if (r.ok) await load();
  };

  const retry = async () => {
    const r = await send('evidence.runQueue', {});
    setMessage(r.ok ? { ok: true, text: t('evidenceQueueRun', [String(r.value.stamped), String(r.value.waiting)]) } : { ok: false, text: errorText(r.error) });
    await load();
  };

  return (
    <section aria-labelledby="evidence-h" data-testid="evidence-settings">
      <h2 id="evidence-h">{t('evidenceHeading')}</h2>
      {status && (
        <>
          <h3>{t('evidenceKeyHeading')}</h3>
          <p>{t('evidenceKeyHelp')}</p>
          <p>
            {t('evidenceFingerprint')}
            <br />
            <code data-testid="key-fingerprint" style={{ display: 'inline-block', maxWidth: '100%', fontSize: '1.05em', lineHeight: 1.6, overflowWrap: 'anywhere' }}>
              {status.fingerprintGrouped}
            </code>
          </p>
          <p class="muted">{t('evidenceKeyPrivate')}</p>
          <button type="button" onClick={exportKey} data-testid="export-key">
            {t('evidenceExportKey')}
          </button>
          <h3>{t('evidenceTimestampsHeading')}</h3>
          <form onSubmit={(e) => void save(e)}>
            <p>
              <input id="ts-on" type="checkbox" checked={on} onChange={(e) => setOn((e.target as HTMLInputElement).checked)} data-testid="timestamps-on" />{' '}
              <label for="ts-on">{t('evidenceTimestampsLabel')}</label>
            </p>
            <p id="ts-explain" data-testid="timestamps-explain">
              {t('evidenceTimestampsExplain')}
            </p>
            {on && (
              <p>
                <label for="ts-server">{t('evidenceServer')}</label>{' '}
                <select id="ts-server" value={choice} onChange={(e) => setChoice((e.target as HTMLSelectElement).value)} aria-describedby="ts-explain">
                  {PUBLIC_TSAS.map((x) => (
                    <option key={x.url} value={x.url}>
                      {x.name} — {x.url}
                    </option>
                  ))}
                  <option value={OTHER}>{t('evidenceServerOther')}</option>
                </select>
                {choice === OTHER && (
                  <>
                    {' '}
                    <label for="ts-url" class="visually-hidden">
                      {t('evidenceServerUrl')}
                    </label>
                    <input id="ts-url" type="url" required placeholder="https://" value={custom} onInput={(e) => setCustom((e.target as HTMLInputElement).value)} style={{ width: '22em' }} data-testid="tsa-url" />
                  </>
                )}
              </p>
            )}
            <button type="submit" data-testid="timestamps-save">
              {t('settingsSave')}
            </button>
          </form>
          {status.settings.timestamps && (
            <p data-testid="timestamps-waiting">
              {t('evidenceWaiting', String(status.waiting))}{' '}
              {status.waiting > 0 && (
                <button type="button" onClick={() => void retry()}>
                  {t('evidenceTryNow')}
                </button>
              )}
            </p>
          )}
        </>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'muted' : 'error'} data-testid="evidence-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
