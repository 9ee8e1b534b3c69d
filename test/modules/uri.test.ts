import { expect } from 'chai';
import { uri } from '../../lib/modules/uri.js';
import type { UriArgs, UriResult } from '../../lib/modules/uri.js';
import { ModuleFailure } from '../../lib/modules/types.js';
import { makeContext, runModule } from '../helpers/module-context.js';
import { makePki, removePki, startHttps, type Pki } from '../helpers/https-fixture.js';

// uri against a real HTTPS server on 127.0.0.1 with openssl-made certificates; the request is
// made by the "host" (a LocalConnection: python3 here), as Ansible's uri makes it on the host.
// Expected messages and keys follow ansible-core 2.14's uri.py and urls.py (fetch_url's msg, status -1).

describe('uri module (real HTTPS on loopback)', function () {
  this.timeout(60000);
  let pki: Pki;
  let srv: Awaited<ReturnType<typeof startHttps>>;
  before(async () => {
    pki = makePki();
    srv = await startHttps(pki, (req, res) => {
      const u = new URL(req.url ?? '/', 'https://x');
      if (u.pathname === '/healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
      } else if (u.pathname === '/whoami') {
        res.writeHead(req.clientCN ? 200 : 401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ cn: req.clientCN ?? null }));
      } else if (u.pathname === '/echo') {
        res.writeHead(201, { 'Content-Type': 'application/merge-patch+json', 'X-Seen-Method': req.method ?? '' });
        res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null, auth: req.headers.authorization ?? null, body: req.body.toString() }));
      } else if (u.pathname === '/dup') {
        res.writeHead(200, { 'X-Dup-Header': ['a', 'b'], 'Content-Type': 'text/plain' });
        res.end('dup');
      } else if (u.pathname === '/moved') {
        res.writeHead(302, { Location: '/healthz' });
        res.end();
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('nope');
      }
    });
  });
  after(async () => {
    await srv?.close();
    if (pki) removePki(pki);
  });

  const call = async (args: UriArgs, o: { check?: boolean } = {}): Promise<UriResult | ModuleFailure> => {
    try {
      return await runModule(uri.def, args, makeContext(o));
    } catch (e) {
      if (e instanceof ModuleFailure) return e;
      throw e;
    }
  };
  const ok = async (args: UriArgs): Promise<UriResult> => {
    const r = await call(args);
    if (r instanceof ModuleFailure) throw new Error(`expected success: ${r.message}`);
    return r;
  };

  it('a header sent twice is one key with both values joined by ", ", as Ansible\'s fetch_url joins them', async () => {
    const r = await ok({ url: `${srv.url}/dup`, ca_path: pki.ca });
    expect((r as unknown as Record<string, unknown>).x_dup_header).to.equal('a, b');
  });

  const withInterpreter = async (interp: string): Promise<UriResult | string> => {
    try {
      return await runModule(uri.def, { url: `${srv.url}/healthz`, ca_path: pki.ca }, makeContext({ vars: { ansible_python_interpreter: interp } }));
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('runs the request with the host\'s ansible_python_interpreter, which may have arguments', async () => {
    const r = await withInterpreter('/usr/bin/env  python3');
    expect(typeof r === 'string' ? r : r.status).to.equal(200);
  });

  it('a missing interpreter says to install python3 or set ansible_python_interpreter; another failure says the request failed', async () => {
    const what = `uri ${srv.url}/healthz`;
    expect(await withInterpreter('/nonexistent/python3')).to.equal(
      `${what}: /nonexistent/python3 is needed on testhost to make the request there (as Ansible): /bin/sh: 1: /nonexistent/python3: not found; install python3 or set ansible_python_interpreter`,
    );
    expect(await withInterpreter('/bin/false')).to.equal(`${what}: the request on testhost failed: rc 1`);
    // the last line of stderr is the reason given
    expect(await withInterpreter('/bin/sh /nonexistent-script')).to.equal(`${what}: the request on testhost failed: /bin/sh: 0: cannot open /nonexistent-script: No such file`);
  });

  it('a /healthz check with the CA: status, msg, content and headers as keys', async () => {
    const r = await ok({ url: `${srv.url}/healthz`, ca_path: pki.ca, return_content: true });
    expect(r).to.deep.include({ changed: false, status: 200, msg: 'OK (unknown bytes)', content: 'ok', redirected: false, url: `${srv.url}/healthz` });
    expect(r.content_type).to.equal('text/plain; charset=utf-8');
    expect(r.json).to.equal(undefined);
  });

  it('without the CA the certificate is refused (status -1, Ansible\'s message)', async () => {
    const r = await call({ url: `${srv.url}/healthz` });
    expect(r).to.be.instanceOf(ModuleFailure);
    const f = r as ModuleFailure;
    expect(f.message).to.match(/^Status code was -1 and not \[200\]: Request failed: <urlopen error \[SSL: CERTIFICATE_VERIFY_FAILED\]/);
    expect(f.result.status).to.equal(-1);
  });

  it('validate_certs: false accepts it (kubespray\'s healthz checks)', async () => {
    expect((await ok({ url: `${srv.url}/healthz`, validate_certs: false })).status).to.equal(200);
  });

  it('client_cert and client_key are presented; json is parsed without return_content', async () => {
    const r = await ok({ url: `${srv.url}/whoami`, ca_path: pki.ca, client_cert: pki.clientCert, client_key: pki.clientKey });
    expect(r.json).to.deep.equal({ cn: 'kube-apiserver-client' });
    expect(r.content).to.equal(undefined);
    const anon = await call({ url: `${srv.url}/whoami`, ca_path: pki.ca });
    expect((anon as ModuleFailure).message).to.equal('Status code was 401 and not [200]: HTTP Error 401: Unauthorized');
  });

  it('method, json body, headers and status_code; +json responses parse', async () => {
    const r = await ok({ url: `${srv.url}/echo`, ca_path: pki.ca, method: 'PATCH', body: { a: 1 }, body_format: 'json', headers: { 'X-Token': 't' }, status_code: [200, 201] });
    expect(r.status).to.equal(201);
    expect(r.x_seen_method).to.equal('PATCH');
    expect(r.json).to.deep.equal({ method: 'PATCH', type: 'application/json', auth: null, body: '{"a":1}' });
  });

  it('form-urlencoded body and forced basic auth', async () => {
    const r = await ok({ url: `${srv.url}/echo`, ca_path: pki.ca, method: 'POST', body: { name: 'a b', x: '1' }, body_format: 'form-urlencoded', url_username: 'u', url_password: 'p', force_basic_auth: true, status_code: 201 });
    expect(r.json).to.deep.include({ type: 'application/x-www-form-urlencoded', body: 'name=a+b&x=1', auth: `Basic ${Buffer.from('u:p').toString('base64')}` });
  });

  it('a status not in status_code fails with the content when return_content', async () => {
    const r = (await call({ url: `${srv.url}/missing`, ca_path: pki.ca, return_content: true })) as ModuleFailure;
    expect(r.message).to.equal('Status code was 404 and not [200]: HTTP Error 404: Not Found');
    expect(r.result).to.deep.include({ status: 404, content: 'nope' });
  });

  it('redirects: followed for GET (safe), reported with follow_redirects none', async () => {
    const r = await ok({ url: `${srv.url}/moved`, ca_path: pki.ca });
    expect(r).to.deep.include({ status: 200, redirected: true, url: `${srv.url}/healthz` });
    const n = (await call({ url: `${srv.url}/moved`, ca_path: pki.ca, follow_redirects: 'none', status_code: 302 })) as UriResult;
    expect(n).to.deep.include({ status: 302, redirected: false, location: `${srv.url}/healthz` });
  });

  it('a closed port fails with status -1 and the reason', async () => {
    const r = (await call({ url: 'https://127.0.0.1:1/healthz' })) as ModuleFailure;
    expect(r.message).to.equal('Status code was -1 and not [200]: Request failed: <urlopen error [Errno 111] Connection refused>');
  });

  it('is skipped under --check, as in Ansible', async () => {
    const r = (await call({ url: `${srv.url}/echo`, method: 'DELETE' }, { check: true })) as UriResult;
    expect(r).to.deep.include({ changed: false, skipped: true });
  });

  it('a header with a line break is refused before any request', async () => {
    const r = (await call({ url: `${srv.url}/echo`, headers: { 'X-A': 'a\r\nInjected: 1' } })) as ModuleFailure;
    expect(r.message).to.match(/header 'X-A' contains a NUL or line break/);
  });

  it('a NUL in the URL or a certificate path is refused before any request', async () => {
    const r = (await call({ url: `${srv.url}/healthz`, ca_path: '/etc/ssl/x\0y' })) as ModuleFailure;
    expect(r.message).to.match(/argument 'ca_path' contains a NUL byte/);
  });
});
