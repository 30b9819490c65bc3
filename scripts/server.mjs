// A small static server on 127.0.0.1 for the demo and the test fixtures.
// It logs every request, can be told to serve another file at a path (the
// site "edits" the article) or to answer a status (451, 500), and can stop
// (the site is "blocked"). It answers byte ranges (206, suffix ranges, HEAD), as
// ReplayWeb.page reads a WACZ.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wacz': 'application/wacz',
  '.mjs': 'text/javascript; charset=utf-8',
};

/**
 * @param {Record<string, string>} mounts URL prefix → folder, e.g. { '/seed/': 'demo/seed-article' }
 * @param {{ port?: number }} [options]
 */
export async function startServer(mounts, { port = 0 } = {}) {
  const log = [];
  const overrides = new Map(); // path → { file?, status?, headers?, delay? }
  const roots = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)]);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    log.push({ method: req.method, path: url.pathname + url.search, time: Date.now() });
    const override = overrides.get(url.pathname);
    if (override?.delay !== undefined) {
      // Hold the answer (ms, or until a promise settles): a slow site, or a test pinning a moment.
      const { delay } = override;
      const wait = typeof delay === 'number' ? new Promise((ok) => setTimeout(ok, delay)) : delay;
      return void Promise.resolve(wait)
        .catch(() => undefined)
        .then(() => {
          if (!res.destroyed) answer(req, res, url, { ...override, delay: undefined });
        });
    }
    answer(req, res, url, override);
  });

  function answer(req, res, url, override) {
    // The connection dropped without an answer (as blocking equipment does).
    if (override?.drop) return void req.socket.destroy();
    if (override?.status) {
      res.writeHead(override.status, { 'content-type': 'text/html; charset=utf-8', ...override.headers });
      return res.end(override.body ?? `<!doctype html><title>${override.status}</title><h1>${override.status}</h1>`);
    }
    let file = override?.file;
    if (!file) {
      const mount = roots.find(([prefix]) => url.pathname.startsWith(prefix));
      if (!mount) return notFound(res);
      const rel = normalize(decodeURIComponent(url.pathname.slice(mount[0].length)));
      file = join(mount[1], rel);
      if (file !== mount[1] && !file.startsWith(mount[1] + sep)) return notFound(res);
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    }
    if (!existsSync(file)) return notFound(res);
    const headers = {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'accept-ranges': 'bytes',
      ...override?.headers,
    };
    // Byte ranges (RFC 9110 §14), as replay tools read a WACZ: `a-b`, `a-`, and suffix `-n`.
    const size = statSync(file).size;
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? '').trim());
    if (range && (range[1] || range[2])) {
      let start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      let end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) {
        res.writeHead(416, { 'content-range': `bytes */${size}` });
        return res.end();
      }
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1) });
      if (req.method === 'HEAD') return res.end();
      return void createReadStream(file, { start, end }).pipe(res);
    }
    res.writeHead(200, { ...headers, 'content-length': String(size) });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  }

  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    origin,
    log,
    /**
     * Serve `file` (absolute) at `path`, or answer `status` (with `body`, else a stub page), or `drop`
     * the connection unanswered, optionally with
     * extra response `headers` (alone: the usual file with those headers,
     * e.g. a Content-Security-Policy) and a `delay` (ms, or a promise to wait
     * for: the request is logged at once, answered later); null removes the override.
     */
    override(path, spec) {
      if (spec) overrides.set(path, spec);
      else overrides.delete(path);
    },
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok(undefined));
      }),
  };
}

function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}
