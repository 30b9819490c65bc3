/**
 * After an import: who signed the file (issue 14). The fingerprint is shown in
 * full, grouped, so the reader can compare it with the one its owner
 * published; a file signed by this install's own key says so. Files whose
 * signature or tokens do not hold never get here: import refuses them.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../utils/ext/i18n';
import { send } from '../utils/ext/client';
import { groupFingerprint } from '../utils/evidence/keys';
import type { ImportEvidence } from '../utils/evidence/check';
import { trustOf } from '../utils/evidence/trust';

export function ImportSigner({ evidence }: { evidence: ImportEvidence | undefined }) {
  /** This install's key fingerprint ('' when unknown); undefined while asking. */
  const [own, setOwn] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (evidence?.signature === 'valid') void send('evidence.status', {}).then((r) => setOwn(r.ok ? r.value.fingerprint : ''));
  }, [evidence]);
  if (!evidence || (evidence.signature === 'valid' && own === undefined)) return null;
  const fp = evidence.fingerprint ? groupFingerprint(evidence.fingerprint) : '';
  // Whose proof (issue 24): PROVED only for a key this reader knows (their own); any other is an unknown key.
  const state = trustOf(evidence.signature, evidence.fingerprint, own ? [own] : []);
  return (
    <div data-testid="import-signer" data-signature={evidence.signature} data-trust={state}>
      {state === 'proved'
        ? t('trustProved', fp)
        : state === 'not-signed'
          ? t('trustNotSigned')
          : evidence.signature === 'domain'
            ? `${t('trustUnknownKey', evidence.domain ?? '')} ${t('evidenceImportDomain', evidence.domain ?? '')}`
            : t('trustUnknownKey', fp)}
      {evidence.stamped > 0 && <> {t('evidenceImportStamps', String(evidence.stamped))}</>}
      {(evidence.unchecked ?? []).map((name) => (
        <span key={name} data-testid="import-stamp-unchecked"> {t('truthImportUnchecked', name)}</span>
      ))}
    </div>
  );
}
