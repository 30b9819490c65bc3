/** A member's manifest, signed part by part and sealed (encrypted) for the team folder, and opened again (utils/team/sync.ts). */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decrypt, DecryptError, encrypt } from './crypto';
import { checkManifest, fromBase64, PartFormatError, TEAM_FORMAT, toBase64, type StoredManifest, type TeamManifest } from './part';
import { manifestText, partStatementText, signText, type PartStatement } from './sign';
import type { TeamIdentity } from './sync-types';

export const hex = (b: Uint8Array) => bytesToHex(sha256(b));

type SignedPart = { seq: number; name: string; sha256: string; bytes: number; created: string; prev?: string | null; signedName?: string; sig?: string };

const statementOf = (member: string, p: Required<Pick<SignedPart, 'seq' | 'sha256' | 'bytes' | 'created'>> & { prev: string | null; signedName: string }): PartStatement => ({
  member,
  name: p.signedName,
  seq: p.seq,
  prev: p.prev,
  hash: `sha256:${p.sha256}`,
  bytes: p.bytes,
  created: p.created,
});

/** The manifest's parts, each signed once (a part signed earlier keeps its signature). */
export async function signParts(id: TeamIdentity, parts: SignedPart[]): Promise<(SignedPart & { prev: string | null; signedName: string; sig: string })[]> {
  const out: (SignedPart & { prev: string | null; signedName: string; sig: string })[] = [];
  let prev: string | null = null;
  for (const p of [...parts].sort((a, b) => a.seq - b.seq)) {
    if (p.sig && p.prev !== undefined && p.signedName !== undefined && p.prev === prev) out.push(p as (typeof out)[number]);
    else {
      const signedName = id.displayName;
      const sig = await signText(crypto.subtle, id.signer.privateKey, partStatementText(statementOf(id.memberId, { ...p, prev, signedName })));
      out.push({ ...p, prev, signedName, sig });
    }
    prev = `sha256:${p.sha256}`;
  }
  return out;
}

export async function manifestOf(id: TeamIdentity, parts: Awaited<ReturnType<typeof signParts>>, now: Date): Promise<TeamManifest> {
  const m: TeamManifest = {
    format: TEAM_FORMAT,
    version: 2,
    member: id.memberId,
    name: id.displayName,
    updated: now.toISOString(),
    publicKey: id.signer.spki,
    parts: parts.map((p) => ({ name: p.name, seq: p.seq, hash: `sha256:${p.sha256}`, bytes: p.bytes, created: p.created, prev: p.prev, signedName: p.signedName, sig: p.sig })),
    sig: '',
  };
  m.sig = await signText(crypto.subtle, id.signer.privateKey, manifestText(signedView(m)));
  return m;
}

/** What manifestText signs, from a manifest as read or written. */
export function signedView(m: TeamManifest): Parameters<typeof manifestText>[0] {
  return {
    member: m.member,
    name: m.name,
    updated: m.updated,
    publicKey: m.publicKey,
    keyChange: m.keyChange,
    parts: m.parts.map((p) => ({ file: p.name, member: m.member, name: p.signedName, seq: p.seq, prev: p.prev, hash: p.hash, bytes: p.bytes, created: p.created, sig: p.sig })),
  };
}

export async function sealManifest(m: TeamManifest, id: TeamIdentity): Promise<string> {
  if (!id.passphrase || !id.salt) return JSON.stringify(m, null, 1);
  const sealed = await encrypt(new TextEncoder().encode(JSON.stringify(m)), id.passphrase, fromBase64(id.salt), id.iterations);
  const stored: StoredManifest = { format: TEAM_FORMAT, version: 2, member: m.member, sealed: toBase64(sealed) };
  return JSON.stringify(stored);
}

export async function openManifest(data: Uint8Array, member: string, id: TeamIdentity): Promise<TeamManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new PartFormatError('The manifest is not JSON.');
  }
  if (raw && typeof raw === 'object' && typeof (raw as { sealed?: unknown }).sealed === 'string') {
    const plain = await decrypt(fromBase64((raw as { sealed: string }).sealed), id.passphrase, id.iterations);
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
    } catch {
      throw new PartFormatError('The manifest is not JSON.');
    }
  } else if (id.passphrase) {
    // The team encrypts: a readable manifest was not written by a member's Saqta (the server, or someone without the passphrase).
    throw new DecryptError('not-encrypted');
  }
  return checkManifest(raw, member);
}
