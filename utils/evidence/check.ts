/**
 * Check what a package says about *who* and *when* (issue 14), from its small
 * files: the signature in `datapackage-digest.json` (WACZ signing spec,
 * anonymous-key form), the package's own timestamp tokens (over
 * `datapackage.json`), and every capture record's token (over the record's
 * canonical JSON). Used by `npm run verify` (with `--tsa-ca` to check the
 * TSAs' certificate chains) and by import (which refuses a package whose
 * signature or tokens do not hold). Pure.
 */
import type { CaptureRecord } from '../db';
import { fromBase64 } from './bytes';
import { shortFingerprint } from './keys';
import { recordBytes } from './record';
import { DIGEST_FILE, opensslSignatureCommands, verifyDigestFile, type DigestFile, type SignatureCheck } from './sign';
import { inspectToken, opensslTokenCommands, verifyToken, type TokenCheck } from './tsp';
import { utcText } from './time';
import { signingTime, trustOfCheck, type TrustState } from './trust';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

interface EvidenceLine {
  level: 'ok' | 'warn' | 'fail';
  file?: string;
  message: string;
}

interface TokenResult extends TokenCheck {
  /** What the token is over: the package, or a capture (its record file). */
  file: string;
  what: 'package' | 'capture';
  /** Only the CA could not be checked (no --tsa-ca): intact otherwise. */
  unchained: boolean;
  /** base64 token, and hex SHA-256 of what it stamps (for the openssl commands). */
  token: string;
  imprint: string;
}

export interface EvidenceReport {
  signature: SignatureCheck;
  /** Whose proof (utils/evidence/trust.ts): PROVED only for a key the person named. */
  trust: TrustState;
  /** The signing time the signature covers (datapackage.json's `created`). */
  signedAt?: string;
  tokens: TokenResult[];
  /** Captures that were still waiting for a timestamp when exported. */
  waiting: string[];
  lines: EvidenceLine[];
  /** What the checks proved, in one sentence each. */
  proved: string[];
  /** The same checks with openssl, as shell commands. */
  openssl: string[];
  ok: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function json(bytes: Uint8Array | undefined): unknown {
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * `files`: the package's small files by path, with their bytes (readWacz keeps
 * every JSON file's). `trusted`: DER certificates of the CAs the reader trusts
 * for TSAs (none: tokens are checked except for who signed them).
 */
export async function checkEvidence(
  subtle: SubtleCrypto,
  files: Map<string, { bytes?: Uint8Array }>,
  opts: { trusted?: Uint8Array[]; fileName?: string; caFile?: string; /** Fingerprints of the signing keys the person trusts (issue 24). */ trustedKeys?: string[] } = {},
): Promise<EvidenceReport> {
  const trusted = opts.trusted ?? [];
  const lines: EvidenceLine[] = [];
  const proved: string[] = [];
  const openssl: string[] = [];
  const pkgBytes = files.get('datapackage.json')?.bytes ?? new Uint8Array();
  const digest = json(files.get(DIGEST_FILE)?.bytes);
  const signature = await verifyDigestFile(subtle, digest, pkgBytes);
  const fp = signature.fingerprint;
  const trust = trustOfCheck(signature, opts.trustedKeys ?? []);
  const pkgCreated = (json(pkgBytes) as { created?: unknown } | undefined)?.created;
  const when = signingTime(pkgCreated, isObj(digest) && isObj(digest.signedData) ? digest.signedData.created : undefined);
  if (signature.state === 'valid') {
    lines.push({ level: 'ok', file: DIGEST_FILE, message: `Signed by key ${fp} (ECDSA P-384, WACZ signing spec, anonymous key) with ${signature.software ?? '?'}; the signature covers datapackage.json, which lists every file's SHA-256 and its created time ${when.covered ?? '(none)'}.` });
    if (when.disagreeing !== undefined) lines.push({ level: 'warn', file: DIGEST_FILE, message: `signedData.created says ${when.disagreeing}, but the signature does not cover it and it disagrees with the signed created time ${when.covered ?? '(none)'}: ignore it (it may have been changed).` });
    lines.push(trust === 'proved'
      ? { level: 'ok', file: DIGEST_FILE, message: `Key ${fp} is one you named as trusted.` }
      : { level: 'warn', file: DIGEST_FILE, message: `Key ${fp} is not one you named: anyone can make a key. Compare it with the fingerprint its owner published, then run again with --key ${fp}.` });
    if (trust === 'proved') proved.push(`signed by your trusted key ${shortFingerprint(fp!)} (full: ${fp})${when.covered ? `, package made ${when.covered}` : ''}`);
    openssl.push('# The signature (WACZ signing spec, anonymous key):', ...opensslSignatureCommands((digest as DigestFile).signedData!).map((c) => c.replace('<file>', opts.fileName ?? 'export.wacz')));
  } else if (signature.state === 'unsigned') {
    lines.push({ level: 'warn', file: DIGEST_FILE, message: 'The package is not signed: nothing says who made it.' });
  } else if (signature.state === 'domain') {
    lines.push({ level: 'warn', file: DIGEST_FILE, message: signature.message });
  } else {
    lines.push({ level: 'fail', file: DIGEST_FILE, message: signature.message });
  }

  const tokens: TokenResult[] = [];
  const check = async (token: string, data: Uint8Array, file: string, what: TokenResult['what']) => {
    let der: Uint8Array;
    try {
      der = fromBase64(token);
    } catch {
      tokens.push({ ok: false, message: 'The token is not base64.', file, what, unchained: false, token, imprint: '' });
      return;
    }
    const res = await verifyToken(der, data, trusted);
    const unchained = !res.ok && !trusted.length && res.message.includes('--tsa-ca');
    tokens.push({ ...res, file, what, unchained, token, imprint: bytesToHex(sha256(data)) });
  };
  if (isObj(digest) && Array.isArray(digest.timestamps)) {
    for (const ts of digest.timestamps.slice(0, 20)) {
      if (isObj(ts) && typeof ts.token === 'string') await check(ts.token, pkgBytes, DIGEST_FILE, 'package');
    }
  }
  const waiting: string[] = [];
  for (const [path, f] of files) {
    if (!path.endsWith('/capture.json')) continue;
    const raw = json(f.bytes);
    if (!isObj(raw) || !isObj(raw.timestamp)) continue;
    const ts = raw.timestamp;
    if (typeof ts.token === 'string') await check(ts.token, recordBytes(raw as unknown as CaptureRecord), path, 'capture');
    else waiting.push(path);
  }
  for (const tk of tokens) {
    const subject = tk.what === 'package' ? 'this package (datapackage.json)' : `the capture record ${tk.file}`;
    if (tk.ok) {
      lines.push({ level: 'ok', file: tk.file, message: `Timestamp token: imprint, signature and certificate chain hold; ${subject} existed no later than ${utcText(tk.genTime!)} according to ${tk.tsaName}.` });
      proved.push(`${tk.what === 'package' ? 'exported' : `captured (${tk.file})`} no later than ${utcText(tk.genTime!)} according to ${tk.tsaName}`);
    } else if (tk.unchained) {
      lines.push({ level: 'warn', file: tk.file, message: `Timestamp token of ${subject}: imprint and signature hold (${utcText(tk.genTime!)}, ${tk.tsaName}), but who signed it is unchecked: give the TSA's CA with --tsa-ca.` });
    } else {
      lines.push({ level: 'fail', file: tk.file, message: `Timestamp token of ${subject}: ${tk.message}` });
    }
  }
  for (const w of waiting) lines.push({ level: 'warn', file: w, message: 'This capture was still waiting for its timestamp when the package was made.' });
  if (!tokens.length && !waiting.length) lines.push({ level: 'warn', message: 'No trusted timestamps: nothing but the capture records themselves says when.' });

  const ca = opts.caFile ?? 'tsa-ca.pem';
  tokens.forEach((tk, i) => {
    if (!tk.imprint) return;
    openssl.push(
      tk.what === 'package'
        ? `# The package's timestamp, over datapackage.json (SHA-256 ${tk.imprint}):`
        : `# ${tk.file}: its token is over SHA-256 of the record's canonical JSON (utils/evidence/record.ts), ${tk.imprint}:`,
      ...opensslTokenCommands(tk.token, tk.imprint, ca, `${tk.what}-${i + 1}.tsr`),
    );
  });
  const ok = !lines.some((l) => l.level === 'fail');
  return { signature, trust, ...(when.covered && signature.state === 'valid' ? { signedAt: when.covered } : {}), tokens, waiting, lines, proved, openssl, ok };
}

/** What import tells the reader about who signed a package and its timestamps. */
export interface ImportEvidence {
  signature: SignatureCheck['state'];
  fingerprint?: string;
  domain?: string;
  /** Tokens whose imprint, signature and TSA chain (up to a CA the reader trusts) hold. */
  stamped: number;
  /** The TSAs of tokens whose imprint and signature hold but whose chain no trusted CA vouches for: "time-stamped by <name>, not checked". */
  unchecked?: string[];
}

/**
 * Only what was checked is named (issue 25, docs/wacz-reading.md): a domain-form signature Saqta cannot check is
 * "not signed" (no domain named), and a token counts as trusted only when its TSA's chain was checked.
 */
function importedSigner(report: EvidenceReport): ImportEvidence {
  const state = report.signature.state === 'domain' ? 'unsigned' : report.signature.state;
  const unchecked = [...new Set(report.tokens.filter((t) => t.unchained).map((t) => t.tsaName ?? 'unnamed timestamp authority'))];
  return {
    signature: state,
    ...(state === 'valid' ? { fingerprint: report.signature.fingerprint } : {}),
    stamped: report.tokens.filter((t) => t.ok).length,
    ...(unchecked.length ? { unchecked } : {}),
  };
}

/**
 * Import's rule: a signature or a token that does not hold refuses the whole
 * package (it was changed after it was signed or stamped); an unsigned
 * package is imported and said to be unsigned.
 */
export function importEvidence(report: EvidenceReport): { evidence: ImportEvidence; problem?: EvidenceLine } {
  const problem = report.lines.find((l) => l.level === 'fail');
  return {
    evidence: importedSigner(report),
    problem,
  };
}

/**
 * A capture record's timestamp as an import keeps it: only a token, and its time and TSA read from the token itself
 * (never the JSON's genTime/tsaName); `unchecked` unless the TSA's chain was checked up to a trusted CA.
 */
export function importedTimestamp(raw: unknown, chainChecked = false): CaptureRecord['timestamp'] | undefined {
  if (!isObj(raw) || raw.state !== 'stamped' || typeof raw.token !== 'string' || raw.token.length > 64 * 1024) return undefined;
  let facts: ReturnType<typeof inspectToken>;
  try {
    facts = inspectToken(fromBase64(raw.token));
  } catch {
    return undefined;
  }
  return {
    state: 'stamped',
    tsa: typeof raw.tsa === 'string' ? raw.tsa.slice(0, 2000) : '',
    recordHash: typeof raw.recordHash === 'string' ? raw.recordHash.slice(0, 64) : '',
    token: raw.token,
    genTime: facts.genTime,
    tsaName: facts.tsaName.slice(0, 500),
    ...(chainChecked ? {} : { unchecked: true as const }),
  };
}
