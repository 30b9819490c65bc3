/**
 * Probes: what Saqta's content script reports about a tab (where it placed
 * each claim), for tests to assert with and to wait on. Not a person's action
 * (a person sees the paint; the paint tests check that): kept apart from the
 * person-action helpers (highlight-helpers.ts, person.ts).
 */
import type { Session } from './harness';
import type { AnchorReport } from '../../utils/messages';

export async function anchorsOf(session: Session, tabId: number): Promise<AnchorReport> {
  return (await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'anchors' }), tabId)) as AnchorReport;
}

/** Wait until the content script has placed `total` claims (anchored + orphans) and nothing changed for a moment. */
export async function settledAnchors(session: Session, tabId: number, total: number, timeout = 15000): Promise<AnchorReport> {
  const end = Date.now() + timeout;
  let last = '';
  for (;;) {
    let rep: AnchorReport | null = null;
    try {
      rep = await anchorsOf(session, tabId);
    } catch {
      rep = null;
    }
    if (rep && rep.claims.length + rep.orphans.length === total) {
      const sig = JSON.stringify([rep.claims.map((c) => [c.id, c.start]), rep.orphans]);
      if (sig === last) return rep;
      last = sig;
    }
    if (Date.now() > end) throw new Error(`anchors did not settle (want ${total}): ${rep?.claims.length} placed, ${rep?.orphans.length} orphans: ${JSON.stringify(rep?.claims.map((c) => c.text))}`);
    await new Promise((r) => setTimeout(r, 400));
  }
}
