/**
 * A real RFC 3161 timestamp authority on 127.0.0.1 for tests: Debian's
 * `openssl ts -reply` behind a tiny Node HTTP wrapper. Its CA and its TSA
 * certificate (extendedKeyUsage critical, timeStamping) are generated here,
 * in a temporary folder, every run. `offline(true)` makes it answer 503
 * (a TSA that is down or blocked), to test the queue's retries.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestTsa {
  url: string;
  /** PEM of the CA that issued the TSA's certificate (what `--tsa-ca` takes). */
  caPem: string;
  caFile: string;
  dir: string;
  /** Requests answered so far (any status). */
  requests: number;
  /** Every request body received, in order (what left the browser). */
  bodies: Buffer[];
  offline(down: boolean): void;
  close(): Promise<void>;
}

const openssl = (dir: string, args: string[], input?: Buffer) =>
  execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] });

export async function startTsa(name = 'Saqta Test TSA'): Promise<TestTsa> {
  const dir = mkdtempSync(join(tmpdir(), 'saqta-tsa-'));
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  writeFileSync(join(dir, 'tsa.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=Saqta Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', `/CN=${name}/O=Saqta tests`]);
  openssl(dir, ['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.pem', '-days', '3650', '-extfile', 'tsa.ext']);
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.pem',
      'certs = $dir/tsa.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.1',
      'other_policies = 1.3.6.1.4.1.99999.2',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let down = false;
  let n = 0;
  const bodies: Buffer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n++;
      bodies.push(Buffer.concat(chunks));
      if (down) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for the test');
        return;
      }
      if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/timestamp-query')) {
        res.writeHead(400).end('POST application/timestamp-query');
        return;
      }
      const id = `${Date.now()}-${n}`;
      try {
        writeFileSync(join(dir, `${id}.tsq`), Buffer.concat(chunks));
        openssl(dir, ['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `${id}.tsq`, '-out', `${id}.tsr`]);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(join(dir, `${id}.tsr`)));
      } catch (e) {
        res.writeHead(500).end(String((e as { stderr?: Buffer }).stderr ?? e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    caFile: join(dir, 'ca.pem'),
    dir,
    get requests() {
      return n;
    },
    bodies,
    offline(v) {
      down = v;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
