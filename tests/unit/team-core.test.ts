// @vitest-environment node
/** Team sync's pure parts: settings checks, encryption, the part and manifest formats. */
import { describe, expect, it } from 'vitest';
import { decrypt, DecryptError, encrypt, isEncrypted, newSalt } from '../../utils/team/crypto';
import { ConfigError, emptyConfig, mergeConfig, viewOf } from '../../utils/team/config';
import { checkManifest, decodePart, encodePart, PartFormatError, partName } from '../../utils/team/part';
import { failureOf, folderUrl } from '../../utils/team/dav';

describe('team settings', () => {
  it('keeps the stored password when the field is left empty, and never shows it', () => {
    const c = mergeConfig(emptyConfig('m-0123456789abcdef'), { url: 'https://cloud.example.org/remote.php/dav/files/aigerim/Saqta', user: ' aigerim ', password: 'app-pw', displayName: 'Aigerim', enabled: true });
    expect(c.url).toBe('https://cloud.example.org/remote.php/dav/files/aigerim/Saqta/');
    expect(c.user).toBe('aigerim');
    const kept = mergeConfig(c, { password: '' });
    expect(kept.password).toBe('app-pw');
    const view = viewOf(kept);
    expect(JSON.stringify(view)).not.toContain('app-pw');
    expect(view.hasPassword).toBe(true);
  });

  it('says which field is missing or wrong', () => {
    const base = emptyConfig('m-0123456789abcdef');
    expect(() => mergeConfig(base, { enabled: true })).toThrow(ConfigError);
    expect(() => mergeConfig(base, { url: 'ftp://x/' })).toThrow(/https/);
    expect(() => mergeConfig(base, { url: 'https://user:pw@cloud.example.org/dav/' })).toThrow(/own fields/);
    expect(() => mergeConfig(base, { schedule: { kind: 'interval', minutes: 1 } })).toThrow(/5 to 1440/);
    expect(() => mergeConfig(base, { scope: { kind: 'tags', tags: [' '] } })).toThrow(/at least one tag/);
    expect(mergeConfig(base, { schedule: { kind: 'interval', minutes: 30 } }).schedule).toEqual({ kind: 'interval', minutes: 30 });
  });

  it('maps HTTP answers to what the reader is told', () => {
    expect([401, 403, 404, 405, 409, 412, 507, 500].map(failureOf)).toEqual(['auth', 'forbidden', 'not-found', 'not-dav', 'conflict', 'exists', 'full', 'server']);
    expect(folderUrl('https://h.example/a?x=1#y').href).toBe('https://h.example/a/');
  });
});

describe('team encryption (WebCrypto AES-GCM, PBKDF2)', () => {
  it('round-trips; a wrong passphrase or one changed byte fails to decrypt', async () => {
    const salt = newSalt();
    const plain = new TextEncoder().encode('Три журналиста задержаны — үш журналист ұсталды');
    const sealed = await encrypt(plain, 'team passphrase', salt, 1000);
    expect(isEncrypted(sealed)).toBe(true);
    expect(new TextDecoder().decode(await decrypt(sealed, 'team passphrase', 1000))).toBe('Три журналиста задержаны — үш журналист ұсталды');
    await expect(decrypt(sealed, 'another', 1000)).rejects.toThrow(DecryptError);
    for (const at of [3, 20, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[at] ^= 1;
      await expect(decrypt(bad, 'team passphrase', 1000)).rejects.toThrow(DecryptError);
    }
    // Two encryptions of the same bytes differ (fresh IV).
    expect(Buffer.from(await encrypt(plain, 'team passphrase', salt, 1000)).equals(Buffer.from(sealed))).toBe(false);
  });
});

describe('team part and manifest formats', () => {
  it('decodes what it encodes and refuses a part of another member or a cut header', () => {
    const header = { format: 'saqta-team-part' as const, version: 1 as const, member: 'm-aaaa', seq: 3, created: '2026-11-27T00:00:00.000Z', deleted: ['urn:uuid:1'], counts: { claims: 0, deleted: 1, captures: 0, pages: 0 } };
    const bytes = encodePart(header, new Uint8Array([1, 2, 3]));
    const back = decodePart(bytes, 'm-aaaa');
    expect(back.header).toEqual(header);
    expect([...back.bundle]).toEqual([1, 2, 3]);
    expect(() => decodePart(bytes, 'm-bbbb')).toThrow(PartFormatError);
    expect(() => decodePart(bytes.slice(0, 20), 'm-aaaa')).toThrow(PartFormatError);
  });

  it('checks manifests: names, hashes, sizes', () => {
    const good = {
      format: 'saqta-team',
      version: 2,
      member: 'm-aaaa',
      name: 'A',
      updated: '2026-11-27T00:00:00Z',
      publicKey: 'AAAA',
      sig: 'BBBB',
      parts: [{ name: partName(1, 'ab'.repeat(32)), seq: 1, hash: `sha256:${'ab'.repeat(32)}`, bytes: 10, created: '', prev: null, signedName: 'A', sig: 'CCCC' }],
    };
    expect(checkManifest(good, 'm-aaaa').parts).toHaveLength(1);
    // Unsigned (the format before issue 23, or a hand-made one): refused as such.
    expect(() => checkManifest({ ...good, version: 1 }, 'm-aaaa')).toThrow(expect.objectContaining({ kind: 'unsigned' }));
    expect(() => checkManifest({ ...good, sig: undefined }, 'm-aaaa')).toThrow(expect.objectContaining({ kind: 'unsigned' }));
    expect(() => checkManifest({ ...good, parts: [{ ...good.parts[0], sig: undefined }] }, 'm-aaaa')).toThrow(expect.objectContaining({ kind: 'unsigned' }));
    expect(() => checkManifest({ ...good, parts: [{ ...good.parts[0], name: '../../etc/passwd' }] }, 'm-aaaa')).toThrow(/wrong name/);
    expect(() => checkManifest({ ...good, parts: [{ ...good.parts[0], hash: 'md5:x' }] }, 'm-aaaa')).toThrow(/SHA-256/);
    expect(() => checkManifest(good, 'm-other')).toThrow(/another member/);
  });
});

describe('library filter by member', () => {
  it('lists the reader’s own claims, or one colleague’s, and their articles', async () => {
    const { freshDb, claim } = await import('./team-helpers');
    const { claimIds, pageIds } = await import('../../utils/library/query');
    const db = freshDb('filter');
    const own = await claim(db, 'Own claim on the first article');
    const other = await claim(db, 'A colleague made this one', { url: 'https://news.example.kz/other' });
    await db.annotations.update(other.id, { author: { id: 'm-aigerim', name: 'Aigerim' } });
    expect(await claimIds(db, { member: 'me', sort: 'date-desc' })).toEqual([own.id]);
    expect(await claimIds(db, { member: 'm-aigerim', sort: 'date-desc' })).toEqual([other.id]);
    expect(await claimIds(db, { member: 'm-nobody', sort: 'date-desc' })).toEqual([]);
    expect(await pageIds(db, { member: 'm-aigerim', sort: 'date-desc' })).toEqual([other.pageId]);
  });
});
