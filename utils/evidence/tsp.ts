/**
 * RFC 3161 trusted timestamps through pkijs + asn1js (maintained ASN.1/CMS
 * libraries; no hand-written DER parsing here). Pure: requests and answers are
 * bytes, the caller moves them (the background's fetch, or a test's HTTP).
 *
 * What is stamped is always SHA-256 of some bytes (a capture record's
 * canonical JSON, utils/evidence/record.ts; an export's datapackage.json), so
 * `openssl ts -verify -digest <hex>` or `-data <file>` checks the same token.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sha256 } from '@noble/hashes/sha2.js';
import { buf, bytesToHex, toBase64 } from './bytes';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';

export class TimestampError extends Error {
  constructor(
    message: string,
    /** `refused`: the TSA answered and said no (a permanent answer for this request); `bad-answer`: not a TSA answer. */
    readonly kind: 'refused' | 'bad-answer',
  ) {
    super(message);
    this.name = 'TimestampError';
  }
}

interface TimestampRequest {
  der: Uint8Array<ArrayBuffer>;
  nonce: Uint8Array;
  imprint: Uint8Array;
}

/** A TimeStampReq for SHA-256(`data`), asking for the TSA's certificate and with a fresh nonce. */
export function makeRequest(imprint: Uint8Array, random: (b: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): TimestampRequest {
  if (imprint.length !== 32) throw new RangeError('A SHA-256 imprint has 32 bytes.');
  const nonce = random(new Uint8Array(8));
  nonce[0]! &= 0x7f; // a positive INTEGER
  if (nonce[0] === 0) nonce[0] = 1;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: buf(imprint) }),
    }),
    certReq: true,
    nonce: new asn1js.Integer({ valueHex: buf(nonce) }),
  });
  return { der: new Uint8Array(req.toSchema().toBER(false)), nonce, imprint };
}

export interface TokenInfo {
  /** base64 DER TimeStampToken (CMS ContentInfo). */
  token: string;
  /** When the TSA says it saw the imprint (ISO 8601 UTC). */
  genTime: string;
  /** Hex of the hashed message the token covers. */
  imprint: string;
  serial: string;
  /** The TSA's name: its signing certificate's subject, else the TSTInfo `tsa` field. */
  tsaName: string;
}

const STATUS_TEXT: Record<number, string> = { 2: 'rejection', 3: 'waiting', 4: 'revocation warning', 5: 'revocation' };

/** Read a TimeStampResp; throws TimestampError unless it grants a token for this imprint (and nonce). */
export function readResponse(der: Uint8Array, req?: Pick<TimestampRequest, 'imprint' | 'nonce'>): TokenInfo {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(buf(der));
  } catch {
    throw new TimestampError('The timestamp server did not answer with an RFC 3161 response.', 'bad-answer');
  }
  const status = resp.status.status;
  if (status !== 0 && status !== 1) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    throw new TimestampError(`The timestamp server refused: ${STATUS_TEXT[status] ?? `status ${status}`}${text ? ` (${text})` : ''}.`, 'refused');
  }
  if (!resp.timeStampToken) throw new TimestampError('The timestamp server granted no token.', 'bad-answer');
  const token = new Uint8Array(resp.timeStampToken.toSchema().toBER(false));
  const info = inspectToken(token);
  if (req) {
    if (info.imprint !== bytesToHex(req.imprint)) throw new TimestampError('The timestamp server stamped another hash.', 'bad-answer');
    const tst = tstInfoOf(token);
    const nonce = tst.nonce ? bytesToHex(new Uint8Array(tst.nonce.valueBlock.valueHexView)) : null;
    if (nonce !== null && nonce.replace(/^0+/, '') !== bytesToHex(req.nonce).replace(/^0+/, '')) {
      throw new TimestampError('The timestamp answer is for another request (nonce).', 'bad-answer');
    }
  }
  return info;
}

function signedDataOf(token: Uint8Array): pkijs.SignedData {
  const ci = pkijs.ContentInfo.fromBER(buf(token));
  if (ci.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not CMS SignedData');
  return new pkijs.SignedData({ schema: ci.content });
}

function tstInfoOf(token: Uint8Array): pkijs.TSTInfo {
  const sd = signedDataOf(token);
  if (sd.encapContentInfo.eContentType !== pkijs.id_eContentType_TSTInfo || !sd.encapContentInfo.eContent) throw new Error('not a timestamp token');
  return pkijs.TSTInfo.fromBER(sd.encapContentInfo.eContent.getValue());
}

function nameOf(name: pkijs.RelativeDistinguishedNames): string {
  const short: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.6': 'C', '2.5.4.11': 'OU' };
  const parts = name.typesAndValues.filter((tv) => short[tv.type]).map((tv) => `${short[tv.type]}=${tv.value.valueBlock.value}`);
  return parts.join(', ');
}

/** Read a token's facts without checking it (for display; `verifyToken` checks). */
export function inspectToken(token: Uint8Array): TokenInfo {
  let sd: pkijs.SignedData, tst: pkijs.TSTInfo;
  try {
    sd = signedDataOf(token);
    tst = tstInfoOf(token);
  } catch (e) {
    throw new TimestampError(`Not an RFC 3161 timestamp token (${(e as Error).message}).`, 'bad-answer');
  }
  const signerCert = signerCertificate(sd);
  const tsaField = tst.tsa?.type === 4 ? nameOf(tst.tsa.value as pkijs.RelativeDistinguishedNames) : '';
  return {
    token: toBase64(token),
    genTime: tst.genTime.toISOString(),
    imprint: bytesToHex(new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView)),
    serial: bytesToHex(new Uint8Array(tst.serialNumber.valueBlock.valueHexView)),
    tsaName: (signerCert ? nameOf(signerCert.subject) : '') || tsaField || 'unnamed timestamp authority',
  };
}

function signerCertificate(sd: pkijs.SignedData): pkijs.Certificate | undefined {
  const sid = sd.signerInfos[0]?.sid;
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  return certs[0];
}

export interface TokenCheck {
  ok: boolean;
  genTime?: string;
  tsaName?: string;
  /** What failed, in words. */
  message: string;
}

/**
 * Check a token over SHA-256(`data`): the imprint, the CMS signature, and the
 * signer's certificate chain up to one of `trusted` (DER certificates), at the
 * token's own time. Without `trusted` only the imprint and signature are
 * checked (`ok` stays false: nobody vouches for the TSA).
 */
export async function verifyToken(token: Uint8Array, data: Uint8Array, trusted: Uint8Array[] = []): Promise<TokenCheck> {
  let info: TokenInfo, sd: pkijs.SignedData;
  try {
    info = inspectToken(token);
    sd = signedDataOf(token);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const base = { genTime: info.genTime, tsaName: info.tsaName };
  if (info.imprint !== bytesToHex(sha256(data))) return { ...base, ok: false, message: `The token stamps another hash (${info.imprint.slice(0, 16)}…), not these bytes.` };
  let trustedCerts: pkijs.Certificate[];
  try {
    trustedCerts = trusted.map((der) => pkijs.Certificate.fromBER(buf(der)));
  } catch {
    return { ...base, ok: false, message: 'The CA file holds something that is not a certificate.' };
  }
  try {
    const res = await sd.verify({ signer: 0, data: buf(data), trustedCerts, checkChain: trustedCerts.length > 0, extendedMode: true });
    if (!res.signatureVerified) return { ...base, ok: false, message: `The token's signature does not verify (${res.message}).` };
    if (!trustedCerts.length) return { ...base, ok: false, message: 'The token is intact, but no CA was given to check who signed it (--tsa-ca).' };
    if (!res.signerCertificateVerified) return { ...base, ok: false, message: `The TSA's certificate does not chain to the given CA (${res.message}).` };
    if (!timestampingCert(res.signerCertificate)) return { ...base, ok: false, message: 'The signing certificate is not for time-stamping (extendedKeyUsage).' };
    return { ...base, ok: true, message: `Captured no later than ${info.genTime} according to ${info.tsaName}.` };
  } catch (e) {
    const err = e as pkijs.SignedDataVerifyError;
    const what = err.signatureVerified === false ? 'signature' : err.signerCertificateVerified === false ? 'certificate chain' : 'check';
    return { ...base, ok: false, message: `The token's ${what} failed: ${err.message}.` };
  }
}

function timestampingCert(cert: pkijs.Certificate | null | undefined): boolean {
  const ext = cert?.extensions?.find((e) => e.extnID === '2.5.29.37');
  const usages = (ext?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  return usages.includes('1.3.6.1.5.5.7.3.8');
}

/** Shell commands that make the same token check with openssl, token inline. */
export function opensslTokenCommands(token: string, digestHex: string, caFile = 'ca.pem', name = 'token.tsr'): string[] {
  return [
    `echo '${token}' | base64 -d > ${name}`,
    `openssl ts -reply -in ${name} -token_in -text | grep -E 'Time stamp|Hash Algorithm|Message data' -A1`,
    `openssl ts -verify -digest ${digestHex} -in ${name} -token_in -CAfile ${caFile}`,
  ];
}
