import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get_url } from '../../lib/modules/get_url.js';
import type { GetUrlArgs, GetUrlResult } from '../../lib/modules/get_url.js';
import { ModuleFailure } from '../../lib/modules/types.js';
import { makeContext, runModule } from '../helpers/module-context.js';
import { makePki, removePki, startHttps, type Pki } from '../helpers/https-fixture.js';
import { tempLeftovers } from './harness.js';

// get_url against a real HTTPS server on 127.0.0.1 (openssl-made CA); the host (a
// LocalConnection: python3 here) downloads, as with Ansible. The server counts requests so the
// tests can tell "no download" from "downloaded the same bytes".

const BODY = Buffer.from('#!/bin/sh\necho kubeadm v1.29\n');
const SHA256 = createHash('sha256').update(BODY).digest('hex');
const MODIFIED = new Date('2026-01-01T00:00:00Z');

describe('get_url module (real HTTPS on loopback)', function () {
  this.timeout(60000);
  let pki: Pki;
  let srv: Awaited<ReturnType<typeof startHttps>>;
  let hits: string[] = [];
  let dir: string;
  before(async () => {
    pki = makePki();
    srv = await startHttps(pki, (req, res) => {
      hits.push(`${req.method} ${req.url}`);
      if (req.url === '/v1.29/kubeadm') {
        const since = req.headers['if-modified-since'];
        if (since && new Date(since) >= MODIFIED) {
          res.writeHead(304);
          res.end();
          return;
        }
        res.writeHead(200, { 'Content-Length': BODY.length, 'Last-Modified': MODIFIED.toUTCString() });
        res.end(req.method === 'HEAD' ? undefined : BODY);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  after(async () => {
    await srv?.close();
    if (pki) removePki(pki);
  });
  beforeEach(() => {
    hits = [];
    dir = mkdtempSync(join(tmpdir(), 'tsplay-get_url-'));
  });
  afterEach(() => {
    expect(tempLeftovers(dir), 'temp files left behind').to.deep.equal([]);
    rmSync(dir, { recursive: true, force: true });
  });

  const url = () => `${srv.url}/v1.29/kubeadm`;
  const run = async (args: Partial<GetUrlArgs>, o: { check?: boolean; diff?: boolean } = {}): Promise<GetUrlResult | ModuleFailure> => {
    try {
      return await runModule(get_url.def, { url: url(), dest: join(dir, 'kubeadm'), ca_path: pki.ca, ...args } as GetUrlArgs, makeContext(o));
    } catch (e) {
      if (e instanceof ModuleFailure) return e;
      throw e;
    }
  };
  const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

  it('downloads with a sha256 checksum and mode; the rerun makes no request at all', async () => {
    const first = (await run({ checksum: `sha256:${SHA256}`, mode: '0755' })) as GetUrlResult;
    expect(first).to.deep.include({ changed: true, msg: `OK (${BODY.length} bytes)`, status_code: 200, dest: join(dir, 'kubeadm'), size: BODY.length });
    expect(readFileSync(join(dir, 'kubeadm'))).to.deep.equal(BODY);
    expect(mode(join(dir, 'kubeadm'))).to.equal('0755');
    hits = [];
    const again = (await run({ checksum: `sha256:${SHA256}`, mode: '0755' })) as GetUrlResult;
    expect(again).to.deep.include({ changed: false, msg: 'file already exists' });
    expect(hits).to.deep.equal([]);
  });

  it('a dest with the checksum but another mode: only the mode changes, nothing downloaded', async () => {
    writeFileSync(join(dir, 'kubeadm'), BODY, { mode: 0o644 });
    const r = (await run({ checksum: `sha256:${SHA256.toUpperCase()}`, mode: '0700' })) as GetUrlResult;
    expect(r).to.deep.include({ changed: true, msg: 'file already exists but file attributes changed' });
    expect(mode(join(dir, 'kubeadm'))).to.equal('0700');
    expect(hits).to.deep.equal([]);
  });

  it('a wrong checksum fails and leaves the old dest as it was', async () => {
    writeFileSync(join(dir, 'kubeadm'), 'old\n');
    const r = (await run({ checksum: `sha256:${'0'.repeat(64)}` })) as ModuleFailure;
    expect(r).to.be.instanceOf(ModuleFailure);
    expect(r.message).to.equal(`The checksum for ${join(dir, 'kubeadm')} did not match ${'0'.repeat(64)}; it was ${SHA256}. dest was left as it was; check the URL and the checksum`);
    expect(readFileSync(join(dir, 'kubeadm'), 'utf8')).to.equal('old\n');
  });

  it('without a checksum an existing dest is asked for with If-Modified-Since: 304 is no change', async () => {
    writeFileSync(join(dir, 'kubeadm'), 'old\n');
    const t = MODIFIED.getTime() / 1000 + 60;
    utimesSync(join(dir, 'kubeadm'), t, t);
    const r = (await run({})) as GetUrlResult;
    expect(r).to.deep.include({ changed: false, status_code: 304, msg: 'HTTP Error 304: Not Modified' });
    expect(readFileSync(join(dir, 'kubeadm'), 'utf8')).to.equal('old\n');
  });

  it('force downloads again; the same bytes are no change, and the mode is kept', async () => {
    writeFileSync(join(dir, 'kubeadm'), BODY, { mode: 0o750 });
    const r = (await run({ force: true })) as GetUrlResult;
    expect(r).to.deep.include({ changed: false, status_code: 200 });
    expect(hits).to.deep.equal(['GET /v1.29/kubeadm']);
    expect(mode(join(dir, 'kubeadm'))).to.equal('0750');
  });

  it('an older dest is replaced, keeping its mode', async () => {
    writeFileSync(join(dir, 'kubeadm'), 'old\n', { mode: 0o751 });
    utimesSync(join(dir, 'kubeadm'), 1000, 1000);
    const r = (await run({}, { diff: true })) as GetUrlResult;
    expect(r.changed).to.equal(true);
    expect(readFileSync(join(dir, 'kubeadm'))).to.deep.equal(BODY);
    expect(mode(join(dir, 'kubeadm'))).to.equal('0751');
    expect(r.diff?.[0].path).to.equal(join(dir, 'kubeadm'));
  });

  it('dest as a directory: the file is named after the URL', async () => {
    mkdirSync(join(dir, 'bin'));
    const r = (await run({ dest: join(dir, 'bin') })) as GetUrlResult;
    expect(r).to.deep.include({ changed: true, dest: join(dir, 'bin', 'kubeadm') });
    expect(readFileSync(join(dir, 'bin', 'kubeadm'))).to.deep.equal(BODY);
  });

  it('check mode sends HEAD, reports the change and writes nothing', async () => {
    const r = (await run({ checksum: `sha256:${SHA256}` }, { check: true })) as GetUrlResult;
    expect(r).to.deep.include({ changed: true, status_code: 200 });
    expect(hits).to.deep.equal(['HEAD /v1.29/kubeadm']);
    expect(existsSync(join(dir, 'kubeadm'))).to.equal(false);
  });

  it('a 404 fails with Ansible\'s "Request failed" and the response', async () => {
    const r = (await run({ url: `${srv.url}/nope` })) as ModuleFailure;
    expect(r.message).to.match(/^Request failed: HTTP Error 404: Not Found/);
    expect(r.result).to.deep.include({ msg: 'Request failed', status_code: 404, response: 'HTTP Error 404: Not Found' });
  });

  it('a missing parent directory fails with what to do', async () => {
    const r = (await run({ dest: join(dir, 'no', 'kubeadm') })) as ModuleFailure;
    expect(r.message).to.match(/Destination .*\/no does not exist; create it first/);
    expect(hits).to.deep.equal([]);
  });

  it('a bad checksum spelling is refused before any request', async () => {
    const r = (await run({ checksum: 'sha256:xyz!' })) as ModuleFailure;
    expect(r.message).to.match(/The checksum format is invalid/);
    expect(hits).to.deep.equal([]);
  });
});
