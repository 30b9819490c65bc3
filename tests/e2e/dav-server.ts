/**
 * A real WebDAV server for the team-sync tests: Debian's Apache httpd with
 * mod_dav, configured in a temporary folder, listening on 127.0.0.1 with
 * Basic auth. No mock: the tests talk to the same server software many
 * teams run (Nextcloud speaks the same protocol).
 *
 * Layout of the server:
 *   /dav/          the team folder (Dav On, Basic auth, any valid user)
 *   /dav/denied/   a folder every user is refused (403)
 *   /static/       plain files, no WebDAV (PROPFIND is refused)
 *
 * Started as root (CI and this machine), httpd runs as www-data, so the
 * folders it writes are owned by www-data and every parent is traversable.
 * It is stopped by the pid in its PidFile (the foreground process forks
 * workers; `$!` of a wrapper would be the wrong process).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

export interface DavServer {
  /** e.g. http://127.0.0.1:PORT/dav/ */
  url: string;
  origin: string;
  port: number;
  /** The folder on disk behind /dav/. */
  root: string;
  users: Record<string, string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stop and remove every file. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function ids(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const read = (file: string, name: string) => {
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    return line ? Number(line.split(':')[2]) : NaN;
  };
  const uid = read('/etc/passwd', 'www-data');
  const gid = read('/etc/group', 'www-data');
  return Number.isFinite(uid) && Number.isFinite(gid) ? { uid, gid } : null;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Which WebDAV server software: Apache httpd + mod_dav (default), or nginx + its DAV and dav-ext modules (issue 23). */
export type DavKind = 'apache' | 'nginx';

/** Both servers the team unit suites run on, in turn. */
export const DAV_KINDS: DavKind[] = ['apache', 'nginx'];

export async function startDav(users: Record<string, string> = { alice: 'alice-app-password', bob: 'bob-app-password' }, kind: DavKind = 'apache'): Promise<DavServer> {
  if (kind === 'nginx') return startNginx(users);
  if (!existsSync(APACHE)) throw new Error(`${APACHE} is missing: apt-get install apache2 apache2-utils (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'saqta-dav-'));
  chmodSync(dir, 0o755);
  const root = join(dir, 'dav');
  const stat = join(dir, 'static');
  const locks = join(dir, 'locks');
  for (const d of [root, join(root, 'denied'), stat, locks]) mkdirSync(d, { recursive: true });
  writeFileSync(join(stat, 'index.html'), '<!doctype html><title>not dav</title><p>plain folder</p>');
  const www = ids();
  if (www) for (const d of [root, join(root, 'denied'), locks]) chownSync(d, www.uid, www.gid);
  const htpasswd = join(dir, 'htpasswd');
  let first = true;
  for (const [user, pass] of Object.entries(users)) {
    const r = spawnSync('htpasswd', [first ? '-bc' : '-b', htpasswd, user, pass], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
    first = false;
  }
  chmodSync(htpasswd, 0o644);
  const port = await freePort();
  const pidFile = join(dir, 'httpd.pid');
  const conf = join(dir, 'httpd.conf');
  writeFileSync(
    conf,
    [
      `ServerRoot ${dir}`,
      `ServerName 127.0.0.1`,
      `Listen 127.0.0.1:${port}`,
      `PidFile ${pidFile}`,
      `ErrorLog ${join(dir, 'error.log')}`,
      `LogLevel warn`,
      ...['mpm_event', 'authn_core', 'authz_core', 'auth_basic', 'authn_file', 'authz_user', 'dav', 'dav_fs', 'mime', 'alias'].map(
        (m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`,
      ),
      www ? 'User www-data\nGroup www-data' : '',
      `TypesConfig /etc/mime.types`,
      `DAVLockDB ${join(locks, 'lockdb')}`,
      `DocumentRoot ${stat}`,
      `Alias /dav/ ${root}/`,
      `Alias /static/ ${stat}/`,
      `<Directory ${dir}>`,
      `  Require all granted`,
      `</Directory>`,
      `<Location /dav/>`,
      `  Dav On`,
      `  AuthType Basic`,
      `  AuthName "Saqta test"`,
      `  AuthUserFile ${htpasswd}`,
      `  Require valid-user`,
      `</Location>`,
      `<Location /dav/denied/>`,
      `  Require all denied`,
      `</Location>`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  const server: DavServer = {
    url: `http://127.0.0.1:${port}/dav/`,
    origin: `http://127.0.0.1:${port}`,
    port,
    root,
    users,
    async start() {
      rmSync(pidFile, { force: true });
      child = spawn(APACHE, ['-f', conf, '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr?.on('data', (d) => (err += String(d)));
      for (let i = 0; i < 200; i++) {
        if (child.exitCode !== null) throw new Error(`apache2 exited: ${err}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
        const up = await fetch(`${server.origin}/static/index.html`).then((r) => r.ok, () => false);
        if (up) return;
        await wait(50);
      }
      throw new Error(`apache2 did not answer on ${server.origin}: ${err}`);
    },
    async stop() {
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
      if (Number.isFinite(pid)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      const c = child;
      child = null;
      if (c && c.exitCode === null) await new Promise<void>((r) => (c.once('exit', () => r()), setTimeout(r, 5000)));
      // Wait until the port is closed.
      for (let i = 0; i < 100; i++) {
        const up = await fetch(`${server.origin}/static/index.html`).then(() => true, () => false);
        if (!up) return;
        await wait(50);
      }
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export const NGINX = '/usr/sbin/nginx';
const NGINX_DAV_EXT = '/usr/lib/nginx/modules/ngx_http_dav_ext_module.so';

/**
 * nginx with its DAV module (PUT, DELETE, MKCOL, COPY, MOVE) and dav-ext
 * (PROPFIND, OPTIONS), Debian's nginx + libnginx-mod-http-dav-ext: the same
 * layout and users as Apache (/dav/, /dav/denied/, /static/). Where the two
 * answer differently (a PUT into a missing folder: Apache 409, nginx 500) the
 * client must cope with both.
 */
async function startNginx(users: Record<string, string>): Promise<DavServer> {
  if (!existsSync(NGINX) || !existsSync(NGINX_DAV_EXT)) throw new Error(`${NGINX} or its dav-ext module is missing: apt-get install nginx libnginx-mod-http-dav-ext (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'saqta-ngx-'));
  chmodSync(dir, 0o755);
  const root = join(dir, 'dav');
  const stat = join(dir, 'static');
  const tmp = join(dir, 'tmp');
  for (const d of [root, join(root, 'denied'), stat, tmp]) mkdirSync(d, { recursive: true });
  writeFileSync(join(stat, 'index.html'), '<!doctype html><title>not dav</title><p>plain folder</p>');
  const www = ids();
  if (www) for (const d of [root, join(root, 'denied'), tmp]) chownSync(d, www.uid, www.gid);
  const htpasswd = join(dir, 'htpasswd');
  let first = true;
  for (const [user, pass] of Object.entries(users)) {
    const r = spawnSync('htpasswd', [first ? '-bc' : '-b', htpasswd, user, pass], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
    first = false;
  }
  chmodSync(htpasswd, 0o644);
  const port = await freePort();
  const pidFile = join(dir, 'nginx.pid');
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      `load_module ${NGINX_DAV_EXT};`,
      www ? 'user www-data www-data;' : '',
      'worker_processes 1;',
      'daemon off;',
      `pid ${pidFile};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${tmp};`,
      `  proxy_temp_path ${tmp}; fastcgi_temp_path ${tmp}; uwsgi_temp_path ${tmp}; scgi_temp_path ${tmp};`,
      '  types { text/html html; application/json json; }',
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    location /dav/ {',
      `      alias ${root}/;`,
      '      dav_methods PUT DELETE MKCOL COPY MOVE;',
      '      dav_ext_methods PROPFIND OPTIONS;',
      '      dav_access user:rw group:rw all:r;',
      '      client_max_body_size 0;',
      '      auth_basic "Saqta test";',
      `      auth_basic_user_file ${htpasswd};`,
      '    }',
      '    location /dav/denied/ { return 403; }',
      `    location /static/ { alias ${stat}/; }`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  const server: DavServer = {
    url: `http://127.0.0.1:${port}/dav/`,
    origin: `http://127.0.0.1:${port}`,
    port,
    root,
    users,
    async start() {
      rmSync(pidFile, { force: true });
      child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr?.on('data', (d) => (err += String(d)));
      for (let i = 0; i < 200; i++) {
        if (child.exitCode !== null) throw new Error(`nginx exited: ${err}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
        const up = await fetch(`${server.origin}/static/index.html`).then((r) => r.ok, () => false);
        if (up) return;
        await wait(50);
      }
      throw new Error(`nginx did not answer on ${server.origin}: ${err}`);
    },
    async stop() {
      const c = child;
      child = null;
      // The master process is our child (daemon off): SIGQUIT lets it close, SIGTERM stops it now.
      if (c && c.exitCode === null) {
        c.kill('SIGTERM');
        await new Promise<void>((r) => (c.once('exit', () => r()), setTimeout(r, 5000)));
      }
      for (let i = 0; i < 100; i++) {
        const up = await fetch(`${server.origin}/static/index.html`).then(() => true, () => false);
        if (!up) return;
        await wait(50);
      }
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
