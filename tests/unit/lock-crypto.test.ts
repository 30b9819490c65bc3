import { describe, expect, it } from 'vitest';
import { KDF_DEFAULTS, newRecoveryKey, openKeys, parseRecoveryKey, rewrap, setUpKeys } from '../../utils/lock/keys';
import { keyedSearchTerms, keyedSearchTermsOf, keyedTerm, knownBlob, NATIVE_FROM, open, openAsync, PART_FROM, plaintext, plaintextSize, recordKeys, seal, sealAsync, sealPlain } from '../../utils/lock/envelope';

// Argon2id at the real cost (64 MiB, t=3) once; the rest of the file uses a cheap cost for speed.
const CHEAP = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

describe('lock keys', () => {
  it('uses Argon2id with at least 64 MiB and 3 passes by default, and a wrong passphrase opens nothing', async () => {
    expect(KDF_DEFAULTS.memoryKiB).toBeGreaterThanOrEqual(65536);
    expect(KDF_DEFAULTS.iterations).toBeGreaterThanOrEqual(3);
    const { keys, dataKey } = await setUpKeys('құпия сөз — пароль 🔑');
    expect(keys.kdf).toMatchObject({ memoryKiB: 65536, iterations: 3 });
    expect(await openKeys(keys, 'құпия сөз — пароль 🔑', 'passphrase')).toEqual(dataKey);
    expect(await openKeys(keys, 'құпия сөз — пароль', 'passphrase')).toBeNull();
  });

  it('accepts any Unicode passphrase, the same in NFC and NFD', async () => {
    const nfd = 'Қазақ'.normalize('NFD') + ' e\u0301';
    const { keys, dataKey } = await setUpKeys(nfd, CHEAP);
    expect(await openKeys(keys, nfd.normalize('NFC'), 'passphrase')).toEqual(dataKey);
  });

  it('recovery key: 32 Crockford letters in groups of 4, typable in lower case with O/I/L mix-ups, unlocks', async () => {
    const r = newRecoveryKey();
    expect(r).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseRecoveryKey(r.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l'))).toEqual(parseRecoveryKey(r));
    expect(parseRecoveryKey('ABCD')).toBeNull();
    expect(parseRecoveryKey(r.replace(/.$/, 'U'))).toBeNull();
    const { keys, dataKey, recoveryKey } = await setUpKeys('pass', CHEAP);
    expect(await openKeys(keys, recoveryKey.toLowerCase(), 'recovery')).toEqual(dataKey);
    expect(await openKeys(keys, newRecoveryKey(), 'recovery')).toBeNull();
  });

  it('changing the passphrase rewraps the same data key: the old one stops working, the recovery key still works', async () => {
    const { keys, dataKey, recoveryKey } = await setUpKeys('old', CHEAP);
    const next = await rewrap(keys, dataKey, 'new');
    expect(next.byRecovery).toEqual(keys.byRecovery);
    expect(next.kdf.salt).not.toBe(keys.kdf.salt);
    expect(await openKeys(next, 'new', 'passphrase')).toEqual(dataKey);
    expect(await openKeys(next, 'old', 'passphrase')).toBeNull();
    expect(await openKeys(next, recoveryKey, 'recovery')).toEqual(dataKey);
  });

  it('a wrapped key with one bit flipped does not open', async () => {
    const { keys } = await setUpKeys('pass', CHEAP);
    const ct = Buffer.from(keys.byPassphrase.ct, 'base64');
    ct[3]! ^= 1;
    expect(await openKeys({ ...keys, byPassphrase: { ...keys.byPassphrase, ct: ct.toString('base64') } }, 'pass', 'passphrase')).toBeNull();
  });
});

describe('record envelope', () => {
  const k = recordKeys(crypto.getRandomValues(new Uint8Array(32)));
  const record = { id: 'a1', body: { note: 'canary-note', tags: ['t'] }, bytes: new Uint8Array([1, 2, 3]), at: new Date(5) };

  it('round-trips records with bytes and dates, with a fresh nonce each time', () => {
    const a = seal(k, 'annotations', 'a1', record);
    const b = seal(k, 'annotations', 'a1', record);
    expect(Buffer.from(a.subarray(0, 12)).equals(Buffer.from(b.subarray(0, 12)))).toBe(false);
    expect(open(k, 'annotations', 'a1', a)).toEqual(record);
    expect(Buffer.from(a).includes('canary-note')).toBe(false);
  });

  it('refuses a record swapped to another key or table, a wrong key, and a tampered tag or body', () => {
    const a = seal(k, 'annotations', 'a1', record);
    expect(() => open(k, 'annotations', 'a2', a)).toThrow();
    expect(() => open(k, 'pages', 'a1', a)).toThrow();
    expect(() => open(recordKeys(new Uint8Array(32)), 'annotations', 'a1', a)).toThrow();
    const tag = a.slice();
    tag[tag.length - 1]! ^= 1;
    expect(() => open(k, 'annotations', 'a1', tag)).toThrow();
    const body = a.slice();
    body[14]! ^= 1;
    expect(() => open(k, 'annotations', 'a1', body)).toThrow();
  });

  it('reads open records by WebCrypto (openAsync) exactly as @noble does, and refuse the same tampering', async () => {
    // Sizes across the GCM block boundary and a long record (a saved article's text).
    for (const note of ['', 'x', 'y'.repeat(15), 'z'.repeat(16), 'Қазақ '.repeat(3000)]) {
      const r = { ...record, body: { ...record.body, note } };
      const a = seal(k, 'annotations', 'a1', r);
      expect(await openAsync(k, 'annotations', 'a1', a)).toEqual(open(k, 'annotations', 'a1', a));
      expect(await openAsync(k, 'annotations', 'a1', a)).toEqual(r);
    }
    const a = seal(k, 'annotations', 'a1', record);
    await expect(openAsync(k, 'annotations', 'a2', a)).rejects.toThrow();
    await expect(openAsync(k, 'pages', 'a1', a)).rejects.toThrow();
    await expect(openAsync(recordKeys(new Uint8Array(32)), 'annotations', 'a1', a)).rejects.toThrow();
    for (const at of [0, 14, a.length - 1]) {
      const bad = a.slice();
      bad[at]! ^= 1;
      await expect(openAsync(k, 'annotations', 'a1', bad)).rejects.toThrow();
    }
  });

  it('seals large records by WebCrypto (sealAsync) into bytes both openers open, with a fresh nonce, bound to table and key', async () => {
    const big = { ...record, body: { ...record.body, note: 'Қазақ canary '.repeat(5000) } };
    const plain = plaintext(big);
    expect(plaintextSize(plain)).toBeGreaterThan(NATIVE_FROM);
    const a = (await sealAsync(k, 'annotations', 'a1', plain)).lock;
    const b = (await sealAsync(k, 'annotations', 'a1', plain)).lock;
    expect(Buffer.from(a.subarray(0, 12)).equals(Buffer.from(b.subarray(0, 12)))).toBe(false);
    expect(open(k, 'annotations', 'a1', a)).toEqual(big);
    expect(await openAsync(k, 'annotations', 'a1', a)).toEqual(big);
    expect(Buffer.from(a).includes('canary')).toBe(false);
    // @noble's seal of the same plaintext opens the same way (one format on disk).
    expect(await openAsync(k, 'annotations', 'a1', sealPlain(k, 'annotations', 'a1', plain).lock)).toEqual(big);
    expect(() => open(k, 'annotations', 'a2', a)).toThrow();
    expect(() => open(k, 'pages', 'a1', a)).toThrow();
    const bad = a.slice();
    bad[20]! ^= 1;
    expect(() => open(k, 'annotations', 'a1', bad)).toThrow();
  });

  it("seals a large Blob as a binary part beside the record; a part from another record, an older version, another place or with a flipped byte does not open", async () => {
    const bytes = new Uint8Array(PART_FROM * 4).map((_, i) => i & 0xff);
    bytes.set(new TextEncoder().encode('canarypart'), 1000);
    const rec = { id: 'b1', mime: 'text/html', big: knownBlob(bytes, 'text/html'), small: knownBlob(new TextEncoder().encode('small one'), 'text/plain') };
    const plain = plaintext(rec);
    expect(plain.parts).toHaveLength(1);
    expect(Buffer.from(plain.json).includes('canarypart')).toBe(false);
    expect(Buffer.from(plain.json).toString()).toContain('"i":0');
    for (const sealed of [sealPlain(k, 'blobs', 'b1', plain), await sealAsync(k, 'blobs', 'b1', plain)]) {
      expect(sealed.parts).toHaveLength(1);
      expect(Buffer.from(sealed.parts![0]!).includes('canarypart')).toBe(false);
      for (const got of [open(k, 'blobs', 'b1', sealed.lock, sealed.parts) as typeof rec, (await openAsync(k, 'blobs', 'b1', sealed.lock, sealed.parts)) as typeof rec]) {
        expect(new Uint8Array(await got.big.arrayBuffer())).toEqual(bytes);
        expect(got.big.type).toBe('text/html');
        expect(await got.small.text()).toBe('small one');
      }
      // Missing, flipped, or the part of an older version of the same record (its own valid seal, another nonce).
      const older = sealPlain(k, 'blobs', 'b1', plaintext(rec));
      const flipped = sealed.parts![0]!.slice();
      flipped[40]! ^= 1;
      const other = sealPlain(k, 'blobs', 'b2', plaintext({ ...rec, id: 'b2' }));
      for (const parts of [undefined, [], [flipped], older.parts, other.parts]) {
        expect(() => open(k, 'blobs', 'b1', sealed.lock, parts)).toThrow();
        await expect(openAsync(k, 'blobs', 'b1', sealed.lock, parts)).rejects.toThrow();
      }
    }
    // Two parts cannot swap places (each is bound to its index).
    const two = plaintext({ id: 'b3', a: knownBlob(bytes, 'x/a'), b: knownBlob(bytes.slice().reverse(), 'x/b') });
    const s2 = sealPlain(k, 'blobs', 'b3', two);
    expect(() => open(k, 'blobs', 'b3', s2.lock, [s2.parts![1]!, s2.parts![0]!])).toThrow();
    expect(open(k, 'blobs', 'b3', s2.lock, s2.parts)).toBeTruthy();
  });

  it('keyed terms depend on the key and the index, and prefixes stop at 6 letters', () => {
    expect(keyedTerm(k, 'terms', 'x')).toBe(keyedTerm(k, 'terms', 'x'));
    expect(keyedTerm(k, 'terms', 'x')).not.toBe(keyedTerm(k, 'siteName', 'x'));
    expect(keyedTerm(k, 'terms', 'x')).not.toBe(keyedTerm(recordKeys(new Uint8Array(32)), 'terms', 'x'));
    expect(keyedSearchTerms(k, 'terms', 'ақылбекова')).toHaveLength(7);
  });

  it("a record's keyed terms: the same set as word by word, each shared prefix keyed once", () => {
    const words = ['ақылбекова', 'ақылбековамен', 'ақпарат', 'сот', 'сотта', 'ақылбекова'];
    const one = keyedSearchTermsOf(k, 'terms', words);
    expect(new Set(one)).toEqual(new Set(words.flatMap((w) => keyedSearchTerms(k, 'terms', w))));
    expect(one).toHaveLength(new Set(one).size);
    // =ақылбекова ^а ^ақ ^ақы ^ақыл ^ақылб ^ақылбе (7), =ақылбековамен (1), =ақпарат ^ақп ^ақпа ^ақпар ^ақпара (5),
    // =сот ^с ^со ^сот (4), =сотта ^сотт ^сотта (3): 20 where word by word was 38.
    expect(one).toHaveLength(20);
    expect(words.flatMap((w) => keyedSearchTerms(k, 'terms', w))).toHaveLength(38);
  });
});
