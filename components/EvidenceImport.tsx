/**
 * After an import: whose proof the file is (issues 14, 24), in the three states `verify` prints:
 * PROVED only for a key the reader trusts (their own, or a colleague's they confirmed), SIGNED BY
 * AN UNKNOWN KEY with its full fingerprint, grouped, to compare with the one its owner published,
 * or NOT SIGNED. Files whose signature or tokens do not hold never get here: import refuses them.
 */
import { t } from '../utils/ext/i18n';
import type { ImportEvidence } from '../utils/evidence/check';
import { verdictFor } from '../utils/evidence/trust';
import { useTrustedKeys, verdictText } from './trust';

export function ImportSigner({ evidence }: { evidence: ImportEvidence | undefined }) {
  const trusted = useTrustedKeys();
  if (!evidence || !trusted) return null;
  const verdict = verdictFor(evidence.signature === 'valid' ? 'valid' : 'unsigned', evidence.fingerprint, trusted);
  return (
    <div data-testid="import-signer" data-signature={evidence.signature} data-trust={verdict.state}>
      {verdictText(verdict)}
      {evidence.stamped > 0 && <> {t('evidenceImportStamps', String(evidence.stamped))}</>}
      {(evidence.unchecked ?? []).map((name) => (
        <span key={name} data-testid="import-stamp-unchecked"> {t('truthImportUnchecked', name)}</span>
      ))}
    </div>
  );
}
