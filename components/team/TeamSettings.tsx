import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/ext/i18n';
import { send } from '../../utils/ext/client';
import { errorText } from '../../utils/ext/errors';
import type { TeamConfig, TeamConfigView } from '../../utils/team/config';
import { MAX_INTERVAL, MIN_INTERVAL } from '../../utils/team/config';
import { folderUrl, sendsPasswordInClear } from '../../utils/team/folder';
import { TeamStatusLine } from './TeamStatusLine';
import { TeamMembers } from './TeamMembers';
import { teamFailureText } from './text';
import './team.css';

/**
 * Ask for the host permission of the folder's origin only, at the moment it is
 * needed (Test, Save, Sync now: a click). Builds that already hold it (Chrome
 * MV3 asks for <all_urls> at install, for saving pages) answer at once.
 */
async function allowOrigin(url: string): Promise<boolean> {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return true; // the background says what is wrong with the address
  }
  const origins = [`${origin}/*`];
  try {
    if (await browser.permissions.contains({ origins })) return true;
    return await browser.permissions.request({ origins });
  } catch {
    return false;
  }
}

type Message = { ok: boolean; text: string; id: string };

/** The address as the background stores it (a trailing slash added), or as typed when it is not one. */
function normalized(url: string): string {
  try {
    return url.trim() ? folderUrl(url.trim()).href : '';
  } catch {
    return url;
  }
}

export function TeamSettings() {
  const [cfg, setCfg] = useState<TeamConfigView | null>(null);
  const [url, setUrl] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [enabled, setEnabled] = useState(false);
  const [share, setShare] = useState<'all' | 'tags'>('all');
  const [tags, setTags] = useState('');
  const [schedule, setSchedule] = useState<'change' | 'interval' | 'manual'>('change');
  const [minutes, setMinutes] = useState('15');
  const [plainHttp, setPlainHttp] = useState(false);
  const [shareWatch, setShareWatch] = useState(false);
  const [busy, setBusy] = useState<'' | 'test' | 'save' | 'sync'>('');
  const [message, setMessage] = useState<Message | null>(null);
  /** Syncs finished from this page (tests wait for the next one). */
  const [runs, setRuns] = useState(0);

  const fill = (c: TeamConfigView) => {
    setCfg(c);
    setUrl(c.url);
    setUser(c.user);
    setName(c.displayName);
    setEnabled(c.enabled);
    setPlainHttp(!!c.plainHttp);
    setShareWatch(!!c.shareWatch);
    setShare(c.scope.kind);
    setTags(c.scope.kind === 'tags' ? c.scope.tags.join(', ') : '');
    setSchedule(c.schedule.kind);
    if (c.schedule.kind === 'interval') setMinutes(String(c.schedule.minutes));
  };
  useEffect(() => {
    void send('team.config', {}).then((r) => r.ok && fill(r.value.config));
  }, []);

  const patch = (): Partial<TeamConfig> => ({
    enabled,
    url,
    user,
    password: password || undefined,
    passphrase: passphrase || undefined,
    displayName: name,
    plainHttp: clear ? plainHttp : false,
    shareWatch,
    scope: share === 'tags' ? { kind: 'tags', tags: tags.split(',').map((x) => x.trim()).filter(Boolean) } : { kind: 'all' },
    schedule: schedule === 'interval' ? { kind: 'interval', minutes: Number(minutes) } : { kind: schedule },
  });

  /** Plain http:// to another computer: the password would cross the network unencrypted. */
  const clear = sendsPasswordInClear(url);
  /** What to tell the reader before anything is sent: a retyped password for a new address, the http:// choice. */
  const precheck = (): string | null => {
    if (cfg?.hasPassword && !password && (normalized(url) !== cfg.url || user.trim() !== cfg.user)) return t('teamPasswordRetype');
    if (clear && !plainHttp) return t('teamPlainHttpNeeded');
    return null;
  };

  const save = async (): Promise<boolean> => {
    const problem = precheck();
    if (problem) {
      setMessage({ ok: false, text: problem, id: 'save' });
      return false;
    }
    const r = await send('team.configure', { patch: patch() });
    if (!r.ok) {
      setMessage({ ok: false, text: errorText(r.error), id: 'save' });
      return false;
    }
    fill(r.value.config);
    setPassword('');
    setPassphrase('');
    return true;
  };

  const onSave = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy('save');
    try {
      if (url && !(await allowOrigin(url))) return setMessage({ ok: false, text: t('teamErr_permission'), id: 'save' });
      if (await save()) setMessage({ ok: true, text: t('teamSaved'), id: 'save' });
    } finally {
      setBusy('');
    }
  };

  const onTest = async () => {
    if (busy) return;
    setBusy('test');
    setMessage({ ok: true, text: t('teamTesting'), id: 'test' });
    try {
      const problem = precheck();
      if (problem) return setMessage({ ok: false, text: problem, id: 'test' });
      if (!(await allowOrigin(url))) return setMessage({ ok: false, text: t('teamErr_permission'), id: 'test' });
      const r = await send('team.test', { url, user, password: password || undefined, plainHttp: clear ? plainHttp : undefined });
      if (!r.ok) return setMessage({ ok: false, text: errorText(r.error), id: 'test' });
      const res = r.value.result;
      setMessage(res.ok ? { ok: true, text: t('teamTestOk'), id: 'test' } : { ok: false, text: teamFailureText(res.kind, res.status), id: 'test' });
    } finally {
      setBusy('');
    }
  };

  const onSync = async () => {
    if (busy) return;
    setBusy('sync');
    setMessage(null);
    try {
      if (!(await allowOrigin(url))) return setMessage({ ok: false, text: t('teamErr_permission'), id: 'sync' });
      if (!(await save())) return;
      const r = await send('team.sync', {});
      if (!r.ok) return setMessage({ ok: false, text: errorText(r.error), id: 'sync' });
      const rep = r.value.report;
      setMessage(
        rep.ok
          ? { ok: true, text: t('teamSyncDone', [String(rep.uploaded), String(rep.merged.length)]), id: 'sync' }
          : { ok: false, text: t('teamFailed', teamFailureText(rep.failure!.kind, rep.failure!.status, rep.failure!.message)), id: 'sync' },
      );
    } finally {
      setBusy('');
      setRuns((n) => n + 1);
    }
  };

  if (!cfg) return null;
  return (
    <section aria-labelledby="team-h" class="team-settings">
      <h2 id="team-h">{t('teamHeading')}</h2>
      <p class="muted">{t('teamIntro')}</p>
      <form onSubmit={(e) => void onSave(e)} data-testid="team-form" data-runs={runs}>
        <p>
          <label>
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)} data-testid="team-enabled" /> {t('teamEnabled')}
          </label>
        </p>
        <p class="field">
          <label for="team-url">{t('teamUrl')}</label>
          <input id="team-url" type="url" inputMode="url" autoComplete="off" spellcheck={false} value={url} aria-describedby="team-url-help" onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
          <small id="team-url-help" class="muted">{t('teamUrlHelp')}</small>
        </p>
        {clear && (
          <p>
            <label>
              <input type="checkbox" checked={plainHttp} onChange={(e) => setPlainHttp((e.target as HTMLInputElement).checked)} data-testid="team-plain-http" /> {t('teamPlainHttp')}
            </label>
          </p>
        )}
        <p class="field">
          <label for="team-user">{t('teamUser')}</label>
          <input id="team-user" type="text" autoComplete="off" spellcheck={false} value={user} onInput={(e) => setUser((e.target as HTMLInputElement).value)} />
        </p>
        <p class="field">
          <label for="team-password">{t('teamPassword')}</label>
          <input id="team-password" type="password" autoComplete="new-password" value={password} aria-describedby={cfg.hasPassword ? 'team-password-kept' : undefined} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          {cfg.hasPassword && <small id="team-password-kept" class="muted">{t('teamPasswordKept')}</small>}
        </p>
        <p class="field">
          <label for="team-name">{t('teamName')}</label>
          <input id="team-name" type="text" autoComplete="off" maxLength={80} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </p>
        <p class="field">
          <label for="team-passphrase">{t('teamPassphrase')}</label>
          <input id="team-passphrase" type="password" autoComplete="off" value={passphrase} aria-describedby="team-passphrase-help" onInput={(e) => setPassphrase((e.target as HTMLInputElement).value)} />
          <small id="team-passphrase-help" class="muted">{cfg.hasPassphrase ? t('teamPassphraseKept') : t('teamPassphraseHelp')}</small>
        </p>
        <fieldset>
          <legend>{t('teamShare')}</legend>
          <label><input type="radio" name="team-share" checked={share === 'all'} onChange={() => setShare('all')} /> {t('teamShareAll')}</label>
          <br />
          <label><input type="radio" name="team-share" checked={share === 'tags'} onChange={() => setShare('tags')} /> {t('teamShareTags')}</label>
          {share === 'tags' && (
            <p class="field">
              <label for="team-tags">{t('teamShareTagsField')}</label>
              <input id="team-tags" type="text" value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} />
            </p>
          )}
          <br />
          <label><input type="checkbox" checked={shareWatch} onChange={(e) => setShareWatch((e.target as HTMLInputElement).checked)} data-testid="team-share-watch" /> {t('teamShareWatch')}</label>
        </fieldset>
        <fieldset>
          <legend>{t('teamSchedule')}</legend>
          <label><input type="radio" name="team-schedule" checked={schedule === 'change'} onChange={() => setSchedule('change')} /> {t('teamScheduleChange')}</label>
          <br />
          <label><input type="radio" name="team-schedule" checked={schedule === 'interval'} onChange={() => setSchedule('interval')} /> {t('teamScheduleInterval')}</label>
          {schedule === 'interval' && (
            <p class="field">
              <label for="team-minutes">{t('teamMinutes')}</label>{' '}
              <input id="team-minutes" type="number" min={MIN_INTERVAL} max={MAX_INTERVAL} step={1} value={minutes} style={{ width: '6em' }} onInput={(e) => setMinutes((e.target as HTMLInputElement).value)} />
            </p>
          )}
          <br />
          <label><input type="radio" name="team-schedule" checked={schedule === 'manual'} onChange={() => setSchedule('manual')} /> {t('teamScheduleManual')}</label>
        </fieldset>
        <p class="actions">
          <button type="submit" disabled={!!busy}>{t('teamSave')}</button>{' '}
          <button type="button" disabled={!!busy} onClick={() => void onTest()} data-testid="team-test">{t('teamTest')}</button>{' '}
          <button type="button" disabled={!!busy || !enabled} onClick={() => void onSync()} data-testid="team-sync">{t('teamSyncNow')}</button>
        </p>
      </form>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'muted' : 'error'} data-testid={`team-message-${message.id}`}>
          {message.text}
        </p>
      )}
      <TeamStatusLine />
      {cfg.enabled && <TeamMembers />}
    </section>
  );
}
