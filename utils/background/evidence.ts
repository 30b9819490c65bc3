/**
 * Background handlers for `EvidenceApi` (utils/messages.ts, issue 14): the
 * install's signing key (made on first use, kept in the `keys` table), signing
 * an export's hash, trusted-timestamp settings, and the timestamp queue
 * (utils/evidence/queue.ts). Platform pieces come in `EvidenceDeps`
 * (entrypoints/background.ts: WebCrypto, WXT storage, fetch, alarms).
 */
import type { EvidenceApi, Event } from '../messages';
import { fail, ok } from '../messages';
import type { SaqtaDB } from '../db';
import type { HandlerDeps, HandlerSet } from './types';
import { servicesOf, type Services } from './services';
import { ensureKey, groupFingerprint, publicKeyPem, type KeyRecord, type KeyStore } from '../evidence/keys';
import { fromBase64, hexToBytes, utf8 } from '../evidence/bytes';
import { hashString, signHash } from '../evidence/sign';
import { checkDatapackage } from '../evidence/package';
import { checkTsaUrl, DEFAULT_EVIDENCE_SETTINGS } from '../evidence/settings';
import { enqueueCapture, requestTokenFor, runQueue } from '../evidence/queue';
import { stampChainHeads } from '../watch/chain-stamp';
export type { EvidenceDeps } from './types';

function keyStore(db: SaqtaDB): KeyStore {
  return {
    get: (id) => db.keys.get(id),
    addIfAbsent: (record) =>
      db.transaction('rw', db.keys, async () => {
        const have = await db.keys.get(record.id);
        if (have) return have;
        await db.keys.add(record);
        // Locked library: the stored (sealed) record comes back with a non-extractable private key.
        return db.keyring.state === 'off' ? record : ((await db.keys.get(record.id)) ?? record);
      }),
  };
}

/** The install's key, made on first use (one in flight per background: `services.key`). */
export function installKey(deps: { db: SaqtaDB; services?: Services }, subtle: SubtleCrypto): Promise<KeyRecord> {
  return servicesOf(deps).key.get(() => ensureKey(keyStore(deps.db), subtle, deps.db.keyring.state !== 'off'));
}

export const evidenceHandlers: HandlerSet<EvidenceApi> = {
  async 'evidence.status'(_req, deps) {
    const { db, evidence } = deps;
    if (!evidence) return fail('unsupported', 'Signing is not available here.');
    const key = await installKey(deps, evidence.subtle);
    const [settings, waiting] = await Promise.all([evidence.settings.get(), db.stamps.count()]);
    return ok({
      fingerprint: key.fingerprint,
      fingerprintGrouped: groupFingerprint(key.fingerprint),
      publicKeyPem: publicKeyPem(fromBase64(key.spki)),
      keyCreated: key.created,
      settings,
      waiting,
    });
  },
  async 'evidence.setTimestamps'(req, deps) {
    const { evidence } = deps;
    if (!evidence) return fail('unsupported', 'Timestamps are not available here.');
    let tsaUrl: string;
    try {
      tsaUrl = checkTsaUrl(String(req.tsaUrl ?? DEFAULT_EVIDENCE_SETTINGS.tsaUrl));
    } catch (e) {
      return fail('bad-request', (e as Error).message);
    }
    const settings = await evidence.settings.set({ timestamps: req.timestamps === true, tsaUrl });
    if (settings.timestamps) void runStamps(deps);
    else evidence.schedule(null);
    return ok({ settings });
  },
  async 'evidence.signPackage'(req, deps) {
    const { evidence, version } = deps;
    if (!evidence) return fail('unsupported', 'Signing is not available here.');
    if (typeof req.datapackage !== 'string') return fail('bad-request', 'Only an export’s datapackage.json can be signed.');
    const checked = checkDatapackage(req.datapackage);
    if (typeof checked === 'string') return fail('bad-request', checked);
    const key = await installKey(deps, evidence.subtle);
    const hash = hashString(utf8(req.datapackage));
    // The signing time is the datapackage's own `created` (covered by the hash), as ArchiveWeb.page writes it.
    return ok({ hash, signedData: await signHash(evidence.subtle, key, hash, `Saqta ${version}`, new Date(checked.created), checked.created) });
  },
  async 'evidence.stamp'(req, { evidence }) {
    if (!evidence) return fail('unsupported', 'Timestamps are not available here.');
    const settings = await evidence.settings.get();
    if (!settings.timestamps) return fail('unsupported', 'Trusted timestamps are off.');
    if (typeof req.imprint !== 'string' || !/^[0-9a-f]{64}$/.test(req.imprint)) return fail('bad-request', 'A SHA-256 imprint is 64 hex digits.');
    try {
      const info = await requestTokenFor(evidence.post, settings.tsaUrl, hexToBytes(req.imprint));
      return ok({ tsa: settings.tsaUrl, token: info.token, genTime: info.genTime, tsaName: info.tsaName });
    } catch (e) {
      return fail('unsupported', `The timestamp server could not be reached or refused: ${(e as Error).message}`);
    }
  },
  async 'evidence.runQueue'(_req, deps) {
    return ok(await runStamps(deps, { all: true }));
  },
};

type StampDeps = Pick<HandlerDeps, 'db' | 'evidence' | 'broadcast' | 'services'>;

/** Run the due timestamp jobs (one run at a time, in order of asking: `services.stamps`), tell pages, and set the next alarm. */
export function runStamps(deps: StampDeps, opts: { all?: boolean } = {}): Promise<{ stamped: number; waiting: number }> {
  return servicesOf(deps).stamps.then(async () => {
    const { db, evidence, broadcast } = deps;
    if (!evidence) return { stamped: 0, waiting: 0 };
    const settings = await evidence.settings.get();
    if (!settings.timestamps) {
      evidence.schedule(null);
      return { stamped: 0, waiting: await db.stamps.count() };
    }
    const done = await runQueue(db, { post: evidence.post, tsa: settings.tsaUrl, all: opts.all });
    for (const pageId of done.pages) broadcast({ event: 'capture.stamped', pageId } satisfies Event);
    // The check records' heads, at least once a day (issue 24, utils/watch/chain-stamp.ts).
    const heads = await stampChainHeads(db, { post: evidence.post, tsa: settings.tsaUrl });
    const next = [done.nextDue, heads.nextDue].filter((d): d is string => !!d).sort()[0] ?? null;
    evidence.schedule(next);
    return { stamped: done.stamped.length, waiting: await db.stamps.count() };
  });
}

/** A capture was just saved: queue its record hash when timestamps are on, and try at once. */
export async function captureSaved(deps: StampDeps, captureId: string): Promise<void> {
  const { evidence, db } = deps;
  if (!evidence) return;
  const settings = await evidence.settings.get();
  if (!settings.timestamps) return;
  await enqueueCapture(db, captureId, settings.tsaUrl);
  await runStamps(deps);
}
