/**
 * Test connection: what exactly is wrong with a team folder, in one of a
 * few words the settings page turns into a sentence (pure over DavClient).
 * 1. PROPFIND the folder (depth 0): reachable, TLS, credentials, exists, WebDAV;
 * 2. MKCOL `saqta/` (made or already there): may this user write here;
 * 3. PUT then DELETE a tiny probe file: room left (507) and write rights.
 */
import { DavClient, DavError, type DavFailure } from './dav';
import { TEAM_DIR } from './part';

export type ConnectionResult = { ok: true } | { ok: false; kind: DavFailure | 'not-folder'; status: number | null; detail?: string };

export async function testConnection(dav: DavClient): Promise<ConnectionResult> {
  try {
    const self = await dav.propfind('', 0);
    if (!self) return { ok: false, kind: 'not-found', status: 404 };
    const me = self.find((e) => e.path === '' || e.path === '/') ?? self[0];
    if (!me?.isDir) return { ok: false, kind: 'not-folder', status: 207 };
    await dav.mkcol(TEAM_DIR);
    const probe = `${TEAM_DIR}.probe-${crypto.randomUUID()}`;
    await dav.put(probe, 'saqta', { contentType: 'text/plain' });
    await dav.delete(probe);
    return { ok: true };
  } catch (err) {
    if (err instanceof DavError) return { ok: false, kind: err.kind, status: err.status, detail: err.detail };
    throw err;
  }
}
