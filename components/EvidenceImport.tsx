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

export function ImportSigner({ evidence }: { evidence: ImportEvidence | undefined }) {
  const [own, setOwn] = useState<string | null>(null);
  useEffect(() => {
    if (evidence?.signature === 'valid') void send('evidence.status', {}).then((r) => r.ok && setOwn(r.value.fingerprint));
  }, [evidence]);
  if (!evidence) return null;
  const fp = evidence.fingerprint ? groupFingerprint(evidence.fingerprint) : '';
  return (
    <div data-testid="import-signer" data-signature={evidence.signature}>
      {evidence.signature === 'valid'
        ? own === evidence.fingerprint
          ? t('evidenceImportYours', fp)
          : t('evidenceImportSigned', fp)
        : evidence.signature === 'domain'
          ? t('evidenceImportDomain', evidence.domain ?? '')
          : t('evidenceImportUnsigned')}
      {evidence.stamped > 0 && <> {t('evidenceImportStamps', String(evidence.stamped))}</>}
      {(evidence.unchecked ?? []).map((name) => (
        <span key={name} data-testid="import-stamp-unchecked"> {t('truthImportUnchecked', name)}</span>
      ))}
    </div>
  );
}
