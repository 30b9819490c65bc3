/**
 * Whose proof is it (issue 24)? A valid signature only says "the holder of this key signed these
 * bytes"; anyone can make a key. So a package is PROVED only when its key is one the person
 * named (`verify --key <fingerprint|public-key.pem>`, a trusted-keys file, or in the browser the
 * install's own key and the team's); any other valid signature is "SIGNED BY AN UNKNOWN KEY",
 * and an unsigned package is "NOT SIGNED". The signing time is the datapackage's `created`
 * (covered by the signed hash); `signedData.created` is not covered and is only compared.
 * Pure; used by scripts/verify.ts, import and the evidence sheet.
 */
import { fromPem, fromBase64 } from './bytes';
import { fingerprintOf } from './keys';
import type { SignatureCheck, SignatureState } from './sign';

/** The three states a person sees (plus "the signature does not hold", which fails every check). */
export type TrustState = 'proved' | 'unknown-key' | 'not-signed' | 'broken';

const HEX64 = /^[0-9A-F]{64}$/;

/** A fingerprint as typed ("3F2A 9C01 …", lower or upper case, colons), or null if it is not 64 hex digits. */
function normalFingerprint(text: string): string | null {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  return HEX64.test(hex) ? hex : null;
}

/**
 * Fingerprints named in a text: PEM public keys (their SPKI's SHA-256) and lines holding a
 * fingerprint (`#` starts a comment). Throws on a line that is neither, naming it.
 */
export function trustedKeysFrom(text: string): string[] {
  const out: string[] = [];
  for (const spki of fromPem(text, 'PUBLIC KEY')) out.push(fingerprintOf(spki));
  const rest = text.replace(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g, '');
  rest.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const fp = normalFingerprint(line);
    if (!fp) throw new Error(`line ${i + 1} is neither a key fingerprint (64 hex digits) nor a PEM public key`);
    out.push(fp);
  });
  return out;
}

/** The fingerprint of one `--key` value: a fingerprint, or the text of a PEM public key / base64 SPKI. */
export function keyFingerprint(value: string): string | null {
  const fp = normalFingerprint(value);
  if (fp) return fp;
  const pems = fromPem(value, 'PUBLIC KEY');
  if (pems.length === 1) return fingerprintOf(pems[0]!);
  try {
    if (/^[A-Za-z0-9+/=\s]+$/.test(value) && value.trim().length > 100) return fingerprintOf(fromBase64(value.replace(/\s+/g, '')));
  } catch {
    /* not base64 */
  }
  return null;
}

/** Map a signature check to what a person is told, given the keys they trust. */
function trustOf(state: SignatureState, fingerprint: string | undefined, trusted: Iterable<string>): TrustState {
  if (state === 'unsigned') return 'not-signed';
  if (state !== 'valid' && state !== 'domain') return 'broken';
  if (state === 'valid' && fingerprint && new Set(trusted).has(fingerprint.toUpperCase())) return 'proved';
  return 'unknown-key';
}

export function trustOfCheck(check: Pick<SignatureCheck, 'state' | 'fingerprint'>, trusted: Iterable<string>): TrustState {
  return trustOf(check.state, check.fingerprint, trusted);
}

/**
 * The signing time: the datapackage's `created`, which the signed hash covers. `signedData.created`
 * sits beside the signature, uncovered: when it disagrees, say so (it may be backdated).
 */
export function signingTime(pkgCreated: unknown, signedCreated: unknown): { covered?: string; disagreeing?: string } {
  const covered = typeof pkgCreated === 'string' && Number.isFinite(Date.parse(pkgCreated)) ? pkgCreated : undefined;
  const side = typeof signedCreated === 'string' ? signedCreated.slice(0, 64) : undefined;
  return { covered, ...(side !== undefined && side !== covered ? { disagreeing: side } : {}) };
}

/** A key the reader trusts in the app (issue 24): their own (no name) or a colleague's whose fingerprint they confirmed. */
export interface TrustedKey {
  fingerprint: string;
  /** The colleague's name; absent for the reader's own key. */
  name?: string;
}

/** The keys the app trusts: the install's own and the confirmed team members' (`team.status` members). */
export function appTrustedKeys(own: string | undefined, members: readonly { name: string; fingerprint: string; confirmed: boolean }[] = []): TrustedKey[] {
  const keys: TrustedKey[] = own ? [{ fingerprint: own.toUpperCase() }] : [];
  for (const m of members) if (m.confirmed && m.fingerprint && normalFingerprint(m.fingerprint)) keys.push({ fingerprint: m.fingerprint.toUpperCase(), name: m.name });
  return keys;
}

/** What a person is told about whose proof a file or a capture is: the state, the key's fingerprint, and whose key it is when trusted. */
export interface TrustVerdict {
  state: Exclude<TrustState, 'broken'>;
  fingerprint?: string;
  /** PROVED by a colleague's confirmed key: their name (absent: the reader's own key). */
  colleague?: string;
}

/** The verdict for a key (or none) against the keys the reader trusts. */
export function verdictFor(signature: 'valid' | 'unsigned', fingerprint: string | undefined, trusted: readonly TrustedKey[]): TrustVerdict {
  if (signature !== 'valid' || !fingerprint) return { state: 'not-signed' };
  const fp = fingerprint.toUpperCase();
  const key = trusted.find((k) => k.fingerprint === fp);
  if (!key) return { state: 'unknown-key', fingerprint: fp };
  return { state: 'proved', fingerprint: fp, ...(key.name ? { colleague: key.name } : {}) };
}

/**
 * The verdict the evidence sheet prints for a capture in the library: the reader's own save is theirs
 * (their key signs it on export); a colleague's copy (team sync: its parts are signed) is PROVED only
 * when the reader confirmed that colleague's key; an imported capture is as its file was signed.
 */
export function captureVerdict(
  c: { author?: { name: string; fingerprint?: string }; imported?: { signature: 'valid' | 'unsigned'; fingerprint?: string } },
  trusted: readonly TrustedKey[],
): TrustVerdict {
  if (c.author) return verdictFor(c.author.fingerprint ? 'valid' : 'unsigned', c.author.fingerprint, trusted);
  if (c.imported) return verdictFor(c.imported.signature, c.imported.fingerprint, trusted);
  const own = trusted.find((k) => !k.name);
  return own ? { state: 'proved', fingerprint: own.fingerprint } : { state: 'not-signed' };
}
