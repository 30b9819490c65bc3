/**
 * Whose proof, in words (issue 24): the three states `npm run verify` prints — PROVED (only for a
 * key the reader trusts: their own, or a colleague's whose fingerprint they confirmed), SIGNED BY
 * AN UNKNOWN KEY with its fingerprint, NOT SIGNED — said the same way by the printed evidence
 * sheet and the library's import message.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../utils/ext/i18n';
import { send } from '../utils/ext/client';
import { groupFingerprint } from '../utils/evidence/keys';
import { appTrustedKeys, type TrustVerdict, type TrustedKey } from '../utils/evidence/trust';

/** The keys the reader trusts (own + confirmed colleagues'); undefined while asking. */
export function useTrustedKeys(): TrustedKey[] | undefined {
  const [keys, setKeys] = useState<TrustedKey[] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void Promise.all([send('evidence.status', {}), send('team.status', {})]).then(([own, team]) => {
      if (live) setKeys(appTrustedKeys(own.ok ? own.value.fingerprint : undefined, team.ok ? team.value.members : []));
    });
    return () => {
      live = false;
    };
  }, []);
  return keys;
}

/** The verdict as one sentence in the reader's language. */
export function verdictText(v: TrustVerdict): string {
  const fp = v.fingerprint ? groupFingerprint(v.fingerprint) : '';
  if (v.state === 'proved') return v.colleague ? t('proofProvedColleague', [v.colleague, fp]) : t('trustProved', fp);
  if (v.state === 'unknown-key') return t('trustUnknownKey', fp);
  return t('trustNotSigned');
}
