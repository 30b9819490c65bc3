import { describe, expect, it } from 'vitest';
import { KDF_DEFAULTS, newRecoveryKey, openKeys, parseRecoveryKey, rewrap, setUpKeys } from '../../utils/lock/keys';
import { keyedSearchTerms, keyedTerm, open, openAsync, recordKeys, seal } from '../../utils/lock/envelope';

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

  it('keyed terms depend on the key and the index, and prefixes stop at 6 letters', () => {
    expect(keyedTerm(k, 'terms', 'x')).toBe(keyedTerm(k, 'terms', 'x'));
    expect(keyedTerm(k, 'terms', 'x')).not.toBe(keyedTerm(k, 'siteName', 'x'));
    expect(keyedTerm(k, 'terms', 'x')).not.toBe(keyedTerm(recordKeys(new Uint8Array(32)), 'terms', 'x'));
    expect(keyedSearchTerms(k, 'terms', 'ақылбекова')).toHaveLength(7);
  });
});
