/**
 * What the background agrees to sign (issue 24): an export's datapackage.json, never an arbitrary
 * hash. The text must be a WACZ datapackage (profile, resources with their SHA-256 and size) whose
 * `created` is now, give or take the export's own running time: the signature then says "this
 * package, at this time", and the time is inside what is signed (the hash covers `created`).
 */
const RESOURCE_HASH = /^sha256:[0-9a-f]{64}$/;
/** An export may run for hours on a large library; `created` is set when it starts. */
const MAX_EXPORT_AGE_MS = 6 * 3600_000;
const CLOCK_SKEW_MS = 5 * 60_000;

/** `{ created }` of a datapackage Saqta may sign, or why not (a sentence). */
export function checkDatapackage(text: string, now = Date.now()): { created: string } | string {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return 'Only an export’s datapackage.json can be signed: this is not JSON.';
  }
  if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) return 'Only an export’s datapackage.json can be signed.';
  const p = pkg as { profile?: unknown; created?: unknown; resources?: unknown };
  if (p.profile !== 'data-package' || !Array.isArray(p.resources) || p.resources.length === 0) return 'Only an export’s datapackage.json can be signed: no data-package profile or resources.';
  for (const r of p.resources as unknown[]) {
    const res = r as { path?: unknown; hash?: unknown; bytes?: unknown } | null;
    if (!res || typeof res.path !== 'string' || typeof res.hash !== 'string' || !RESOURCE_HASH.test(res.hash) || !Number.isSafeInteger(res.bytes)) {
      return 'Only an export’s datapackage.json can be signed: a resource lacks its path, SHA-256 or size.';
    }
  }
  if (typeof p.created !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(p.created)) return 'The datapackage has no UTC `created` time.';
  const at = Date.parse(p.created);
  if (!Number.isFinite(at) || at > now + CLOCK_SKEW_MS || at < now - MAX_EXPORT_AGE_MS) return 'The datapackage’s `created` time is not now: Saqta signs only the export it is making.';
  return { created: p.created };
}
