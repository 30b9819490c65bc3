/**
 * Where a watch check may go on its own (issue 23; pure). A page on this
 * computer or on a private network (an intranet, a router, a printer) is
 * fetched only if the reader added that exact page to the watch list: a tag a
 * colleague shares must never turn the reader's browser into their fetcher.
 *
 * What is seen here is the address as written (and where a redirect ended):
 * literal IP addresses of loopback, private, link-local and shared ranges, and
 * names that only resolve inside a network (localhost, *.local, *.internal,
 * one-label names…). A public name that resolves to a private address is not
 * caught (extensions have no DNS answer in Chrome); docs/team-trust.md.
 */
function ipv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts : null;
}

function privateV4([a, b]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168) || (a === 100 && b! >= 64 && b! <= 127);
}

const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.lan', '.home', '.home.arpa', '.intranet', '.corp', '.localdomain'];

/** True when the URL's host is this computer or a private network (as far as its written form tells). */
export function isPrivateTarget(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return true;
  }
  if (host.startsWith('[')) {
    const h = host.slice(1, -1);
    if (h === '::1' || h === '::') return true;
    if (/^f[cd][0-9a-f]{2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return privateV4(ipv4(mapped[1]!)!);
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
    if (hexMapped) {
      const hi = parseInt(hexMapped[1]!, 16);
      return privateV4([hi >> 8, hi & 255]);
    }
    return false;
  }
  const v4 = ipv4(host);
  if (v4) return privateV4(v4);
  if (/^\d+$/.test(host) || /^0x/i.test(host)) return true; // odd numeric forms: refused rather than guessed
  const name = host.replace(/\.$/, '');
  if (name === 'localhost' || !name.includes('.')) return true;
  return LOCAL_SUFFIXES.some((s) => name.endsWith(s));
}

/** Whether a watch check of this site sends the browser's cookies: only for the sites the reader named. */
export function cookiesFor(url: string, sites: readonly string[] | undefined): boolean {
  if (!sites?.length) return false;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return sites.some((s) => {
    const site = s.trim().toLowerCase().replace(/^\*\./, '');
    return !!site && (host === site || host.endsWith(`.${site}`));
  });
}
