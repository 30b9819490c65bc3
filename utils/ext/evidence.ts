/**
 * Browser glue of signing and trusted timestamps (issue 14): settings in
 * extension storage, the TSA request over fetch (the background's; it has
 * host permission for the TSA's origin, so no CORS), and the queue's alarm.
 */
import { browser } from 'wxt/browser';
import type { EvidenceDeps } from '../background/types';
import { storageItems } from './storage-items';
import { DEFAULT_EVIDENCE_SETTINGS, originPattern } from '../evidence/settings';
import type { DigestTimestamp, SignedData } from '../evidence/sign';
import { send } from './client';

export const STAMP_ALARM = 'saqta-stamps';

export function evidenceDeps(): EvidenceDeps {
  const item = storageItems.evidence;
  return {
    subtle: crypto.subtle,
    settings: {
      get: async () => ({ ...DEFAULT_EVIDENCE_SETTINGS, ...(await item.getValue()) }),
      async set(next) {
        await item.setValue(next);
        return next;
      },
    },
    async post(url, body) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body,
        credentials: 'omit',
        cache: 'no-store',
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`the server answered HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    schedule(at) {
      if (at === null) void browser.alarms.clear(STAMP_ALARM);
      // Chrome fires alarms no sooner than 30 s from now.
      else browser.alarms.create(STAMP_ALARM, { when: Math.max(Date.parse(at), Date.now() + 30_000) });
    },
  };
}

/**
 * Ask for host permission for the TSA's origin (call from a click: browsers
 * only ask a person during a user gesture). Resolves true when granted or
 * already held.
 */
export async function requestTsaPermission(url: string): Promise<boolean> {
  const origins = [originPattern(url)];
  if (await browser.permissions.contains({ origins })) return true;
  return browser.permissions.request({ origins });
}

/**
 * What an export adds to its datapackage-digest.json: the install's signature
 * over the package hash (always), and a trusted timestamp of datapackage.json
 * when timestamps are on and the TSA answers (an export does not wait for a
 * TSA that is down: it says so, and its captures keep their own tokens).
 */
export async function exportEvidence(hash: string, datapackage: Uint8Array): Promise<{ signedData: SignedData; timestamps?: DigestTimestamp[] }> {
  // The background hashes and checks the datapackage itself (issue 24: no message signs a bare hash).
  const signed = await send('evidence.signPackage', { datapackage: new TextDecoder().decode(datapackage) });
  if (!signed.ok) throw new Error(signed.error.message);
  if (signed.value.hash !== hash) throw new Error('The background signed other bytes than this export’s datapackage.json.');
  const out: { signedData: SignedData; timestamps?: DigestTimestamp[] } = { signedData: signed.value.signedData };
  const status = await send('evidence.status', {});
  if (status.ok && status.value.settings.timestamps) {
    const stamp = await send('evidence.stamp', { imprint: hash.replace(/^sha256:/, '') });
    if (stamp.ok) out.timestamps = [{ tsa: stamp.value.tsa, token: stamp.value.token }];
  }
  return out;
}
