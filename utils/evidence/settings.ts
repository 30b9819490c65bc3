/**
 * Trusted-timestamp settings (issue 14): off by default; a short list of
 * public RFC 3161 authorities, or the reader's own URL. Pure validation;
 * the background keeps the value in extension storage (`local:evidence`).
 */
export interface EvidenceSettings {
  timestamps: boolean;
  tsaUrl: string;
}

/** Public TSAs that answer RFC 3161 over HTTP without an account (the ones Bellingcat's auto-archiver and code signers use). */
export const PUBLIC_TSAS: { name: string; url: string }[] = [
  { name: 'FreeTSA.org', url: 'https://freetsa.org/tsr' },
  { name: 'DigiCert', url: 'http://timestamp.digicert.com' },
  { name: 'Sectigo', url: 'http://timestamp.sectigo.com' },
  { name: 'GlobalSign', url: 'http://timestamp.globalsign.com/tsa/r6advanced1' },
];

export const DEFAULT_EVIDENCE_SETTINGS: EvidenceSettings = { timestamps: false, tsaUrl: PUBLIC_TSAS[0]!.url };

/** Throws a readable message unless `url` is an http(s) URL without credentials. */
export function checkTsaUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new RangeError('The timestamp server must be a web address (http:// or https://).');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new RangeError('The timestamp server must be a web address (http:// or https://).');
  if (u.username || u.password) throw new RangeError('The timestamp server address must not contain a name or password.');
  return u.href;
}

/** The origin pattern to ask host permission for (optional_host_permissions). */
export function originPattern(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}/*`;
}
