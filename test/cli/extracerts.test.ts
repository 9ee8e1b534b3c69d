import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// NODE_EXTRA_CA_CERTS: tsplay's shebang keeps it from Node's start (parsing the file cost
// ~50-70 ms per run) and bin/extracerts.js puts it back. These run bin/tsplay.js as a command,
// through its shebang, as an installed tsplay runs.

const BIN = join(process.cwd(), 'bin/tsplay.js');
const LIB = join(process.cwd(), 'lib/index.js');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

describe('tsplay and NODE_EXTRA_CA_CERTS', function () {
  this.timeout(120_000);
  let dir: string;
  let server: Server;
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-extracerts-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=tsplay test CA', '-days', '2');
    ssl('req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'san.ext');
    server = createServer({ key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) }, (_req, res) => res.end('inventory from the CMDB'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // a playbook that reads over HTTPS as it loads (a CMDB, a secrets store), then shows what
    // the processes it starts see
    writeFileSync(
      join(dir, 'site.ts'),
      [
        `import { command, debug, playbook } from ${JSON.stringify(LIB)};`,
        `const body = await (await fetch(${JSON.stringify(url)})).text();`,
        `export default playbook('p', [{ hosts: 'all', gatherFacts: false, tasks: (t) => {`,
        `  t.task('fetched', debug({ msg: body }));`,
        `  t.task('env', command('sh -c "echo extra=[$NODE_EXTRA_CA_CERTS] moved=[$TSPLAY_EXTRA_CA_CERTS]"'), { register: 'env' });`,
        `  t.task('show env', debug({ msg: '{{ env.stdout }}' }));`,
        `} }]);`,
        ``,
      ].join('\n'),
    );
  });
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Node starts without reading the file: no warning about a missing one until TLS is used', async () => {
    const env = { NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem') };
    // the probe can fail: plain node reads the file at start and warns
    const plain = await run(process.execPath, ['-e', '0'], dir, env);
    expect(plain.err).to.match(/Ignoring extra certs/);
    const r = await run(BIN, ['--version'], dir, env);
    expect(r.code, r.err).to.equal(0);
    expect(r.err).to.not.match(/extra certs/);
  });

  it('HTTPS in the playbook trusts the extra CA, and the commands tsplay starts see the variable', async () => {
    const ca = join(dir, 'ca.pem');
    const r = await run(BIN, ['run', 'site.ts', '-i', 'localhost,'], dir, { NODE_EXTRA_CA_CERTS: ca });
    expect(r.code, r.err + r.out).to.equal(0);
    expect(r.out).to.include('inventory from the CMDB');
    expect(r.out).to.include(`extra=[${ca}] moved=[]`);
  });

  it('under --use-openssl-ca the system certificates stay trusted, with the extra ones', async () => {
    // the server's CA is a "system" certificate here (OpenSSL reads SSL_CERT_FILE), and the extra
    // file holds an unrelated CA: only Node's own store, not a list of its bundled roots, trusts it
    const other = join(dir, 'other-ca.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'other.key'), '-out', other, '-subj', '/CN=other CA', '-days', '2'], { stdio: 'pipe' });
    const env = { NODE_EXTRA_CA_CERTS: other, NODE_OPTIONS: '--use-openssl-ca', SSL_CERT_FILE: join(dir, 'ca.pem') };
    const r = await run(BIN, ['run', 'site.ts', '-i', 'localhost,'], dir, env);
    expect(r.code, r.err + r.out).to.equal(0);
    expect(r.out).to.include('inventory from the CMDB');
    expect(r.out).to.include(`extra=[${other}] moved=[]`);
  });

  it('without the extra CA the same request is refused (the server really needs it)', async () => {
    const r = await run(BIN, ['run', 'site.ts', '-i', 'localhost,'], dir, { NODE_EXTRA_CA_CERTS: '' });
    expect(r.code).to.not.equal(0);
    expect(r.out + r.err).to.match(/fetch failed|certificate/i);
    expect(r.out).to.not.include('inventory from the CMDB');
  });

  it('a connection that names its own CAs uses only those, as Node does', async () => {
    writeFileSync(
      join(dir, 'own-ca.ts'),
      [
        `import https from 'node:https';`,
        `import { debug, playbook } from ${JSON.stringify(LIB)};`,
        `const outcome = await new Promise((resolve) => https.get(${JSON.stringify(url)}, { ca: [] }, () => resolve('trusted')).on('error', (e) => resolve('refused: ' + e.code)));`,
        `export default playbook('p', [{ hosts: 'all', gatherFacts: false, tasks: (t) => { t.task('outcome', debug({ msg: String(outcome) })); } }]);`,
        ``,
      ].join('\n'),
    );
    const r = await run(BIN, ['run', 'own-ca.ts', '-i', 'localhost,'], dir, { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
    expect(r.code, r.err + r.out).to.equal(0);
    expect(r.out).to.match(/refused: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)/);
  });
});
