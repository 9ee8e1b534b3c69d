import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectOutput, type Collected } from '../../lib/util/spawn.js';

// NODE_EXTRA_CA_CERTS: tsplay's shebang keeps it from Node's start (parsing the file cost
// ~50-70 ms per run) and bin/extracerts.js puts it back. These run bin/tsplay.js as a command,
// through its shebang, as an installed tsplay runs.

const BIN = join(process.cwd(), 'bin/tsplay.js');
const LIB = join(process.cwd(), 'lib/index.js');

/** Runs a command as an installed tsplay would be run (no NODE_OPTIONS of the test runner's). */
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Collected> =>
  collectOutput(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '', ...env } });

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA certificate (and its key beside it), made with openssl in `dir`. */
function makeCa(dir: string, name: string, subject: string): string {
  execFileSync('openssl', ['req', '-x509', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', subject, '-days', '2'], { cwd: dir, stdio: 'pipe' });
  return join(dir, `${name}.pem`);
}

describe('tsplay and NODE_EXTRA_CA_CERTS', function () {
  this.timeout(120_000);
  let dir: string;
  let server: Server;
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-extracerts-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    makeCa(dir, 'ca', '/CN=tsplay test CA');
    ssl('req', ...EC_KEY, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
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
    expect(plain.stderr).to.match(/Ignoring extra certs/);
    const r = await run(BIN, ['--version'], dir, env);
    expect(r.rc, r.stderr).to.equal(0);
    expect(r.stderr).to.not.match(/extra certs/);
  });

  it('HTTPS in the playbook trusts the extra CA, and the commands tsplay starts see the variable', async () => {
    const ca = join(dir, 'ca.pem');
    const r = await run(BIN, ['run', 'site.ts', '-i', 'localhost,', '-c', 'local'], dir, { NODE_EXTRA_CA_CERTS: ca });
    expect(r.rc, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.include('inventory from the CMDB');
    expect(r.stdout).to.include(`extra=[${ca}] moved=[]`);
  });

  it('under --use-openssl-ca the system certificates stay trusted, with the extra ones', async () => {
    // the server's CA is a "system" certificate here (OpenSSL reads SSL_CERT_FILE), and the extra
    // file holds an unrelated CA: only Node's own store, not a list of its bundled roots, trusts it
    const other = makeCa(dir, 'other-ca', '/CN=other CA');
    const env = { NODE_EXTRA_CA_CERTS: other, NODE_OPTIONS: '--use-openssl-ca', SSL_CERT_FILE: join(dir, 'ca.pem') };
    const r = await run(BIN, ['run', 'site.ts', '-i', 'localhost,', '-c', 'local'], dir, env);
    expect(r.rc, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.include('inventory from the CMDB');
    expect(r.stdout).to.include(`extra=[${other}] moved=[]`);
  });

  it('without the extra CA the same request is refused (the server really needs it)', async () => {
    const r = await run(BIN, ['run', 'site.ts', '-i', 'localhost,', '-c', 'local'], dir, { NODE_EXTRA_CA_CERTS: '' });
    expect(r.rc).to.not.equal(0);
    expect(r.stdout + r.stderr).to.match(/fetch failed|certificate/i);
    expect(r.stdout).to.not.include('inventory from the CMDB');
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
    const r = await run(BIN, ['run', 'own-ca.ts', '-i', 'localhost,', '-c', 'local'], dir, { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
    expect(r.rc, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.match(/refused: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)/);
  });
});
