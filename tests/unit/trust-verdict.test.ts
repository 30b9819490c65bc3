/**
 * Whose proof in the app (issue 24): the keys the reader trusts are their own and the team members'
 * whose fingerprint they confirmed; the evidence sheet and the import message give verify's three
 * states from them (components/trust.tsx says them).
 */
import { describe, expect, it } from 'vitest';
import { appTrustedKeys, captureVerdict, verdictFor } from '../../utils/evidence/trust';

const OWN = 'A'.repeat(64);
const ALMA = 'B'.repeat(64);
const BOLAT = 'C'.repeat(64);
const STRANGER = 'D'.repeat(64);

describe('whose proof, in the app', () => {
  const trusted = appTrustedKeys(OWN.toLowerCase(), [
    { name: 'Алма', fingerprint: ALMA, confirmed: true },
    { name: 'Болат', fingerprint: BOLAT, confirmed: false },
    { name: 'no key yet', fingerprint: '', confirmed: true },
  ]);

  it('trusts the reader’s own key and confirmed colleagues’ only', () => {
    expect(trusted).toEqual([{ fingerprint: OWN }, { fingerprint: ALMA, name: 'Алма' }]);
  });

  it('a file: PROVED only for a trusted key, SIGNED BY AN UNKNOWN KEY otherwise (an unconfirmed colleague too), NOT SIGNED without one', () => {
    expect(verdictFor('valid', OWN, trusted)).toEqual({ state: 'proved', fingerprint: OWN });
    expect(verdictFor('valid', ALMA.toLowerCase(), trusted)).toEqual({ state: 'proved', fingerprint: ALMA, colleague: 'Алма' });
    expect(verdictFor('valid', BOLAT, trusted)).toEqual({ state: 'unknown-key', fingerprint: BOLAT });
    expect(verdictFor('valid', STRANGER, trusted)).toEqual({ state: 'unknown-key', fingerprint: STRANGER });
    expect(verdictFor('unsigned', undefined, trusted)).toEqual({ state: 'not-signed' });
    // A "valid" state without a key is not a proof of anything.
    expect(verdictFor('valid', undefined, trusted)).toEqual({ state: 'not-signed' });
  });

  it('a capture on the sheet: the reader’s own save, a colleague’s copy, an imported one', () => {
    expect(captureVerdict({}, trusted)).toEqual({ state: 'proved', fingerprint: OWN });
    expect(captureVerdict({ author: { name: 'Алма', fingerprint: ALMA } }, trusted).state).toBe('proved');
    expect(captureVerdict({ author: { name: 'Болат', fingerprint: BOLAT } }, trusted)).toEqual({ state: 'unknown-key', fingerprint: BOLAT });
    expect(captureVerdict({ author: { name: 'Болат' } }, trusted)).toEqual({ state: 'not-signed' });
    expect(captureVerdict({ imported: { signature: 'valid', fingerprint: STRANGER } }, trusted)).toEqual({ state: 'unknown-key', fingerprint: STRANGER });
    expect(captureVerdict({ imported: { signature: 'valid', fingerprint: OWN } }, trusted).state).toBe('proved');
    expect(captureVerdict({ imported: { signature: 'unsigned' } }, trusted)).toEqual({ state: 'not-signed' });
    // An imported capture is never "yours" for lack of a key: without the reader's key known, nothing is proved.
    expect(captureVerdict({}, [])).toEqual({ state: 'not-signed' });
  });
});
