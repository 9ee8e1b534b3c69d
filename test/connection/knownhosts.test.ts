import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, KnownHosts } from '../../lib/connection/ssh/knownhosts.js';
import { keygen } from '../helpers/sshd.js';

// known_hosts files written the way OpenSSH writes them (ssh-keygen makes the keys and hashes
// the names), read back by tsplay.

describe('KnownHosts (OpenSSH known_hosts format)', () => {
  let dir: string;
  const keys: Record<string, { line: string; blob: Buffer; file: string }> = {};

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-kh-'));
    for (const [name, type] of [['ed', 'ed25519'], ['rsa', 'rsa'], ['ecdsa', 'ecdsa'], ['other', 'ed25519']]) {
      const file = join(dir, name);
      keygen(file, type);
      const line = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
      keys[name] = { line, blob: Buffer.from(line.split(' ')[1], 'base64'), file };
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints fingerprints exactly as ssh-keygen -l does', () => {
    for (const k of Object.values(keys)) {
      const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${k.file}.pub`], { encoding: 'utf8' });
      expect(out.split(' ')[1]).to.equal(fingerprint(k.blob));
    }
  });

  const cases: { what: string; file: (k: typeof keys) => string; host: string; port: number; key: string; want: string }[] = [
    { what: 'plain name, port 22', file: (k) => `web1 ${k.ed.line}`, host: 'web1', port: 22, key: 'ed', want: 'match' },
    { what: 'plain name does not cover another port', file: (k) => `web1 ${k.ed.line}`, host: 'web1', port: 2222, key: 'ed', want: 'unknown' },
    { what: '[host]:port entry', file: (k) => `[127.0.10.4]:2222 ${k.ed.line}`, host: '127.0.10.4', port: 2222, key: 'ed', want: 'match' },
    { what: 'comma list of names', file: (k) => `a,web1,10.1.1.1 ${k.rsa.line}`, host: '10.1.1.1', port: 22, key: 'rsa', want: 'match' },
    { what: 'ecdsa key', file: (k) => `db1 ${k.ecdsa.line}`, host: 'db1', port: 22, key: 'ecdsa', want: 'match' },
    { what: 'wildcard pattern', file: (k) => `*.example.test ${k.ed.line}`, host: 'n1.example.test', port: 22, key: 'ed', want: 'match' },
    { what: 'negated pattern excludes', file: (k) => `*.example.test,!bad.example.test ${k.ed.line}`, host: 'bad.example.test', port: 22, key: 'ed', want: 'unknown' },
    { what: 'changed key', file: (k) => `web1 ${k.ed.line}`, host: 'web1', port: 22, key: 'other', want: 'changed' },
    { what: 'comments and blank lines ignored', file: (k) => `# hosts\n\nweb1 ${k.ed.line} ops@laptop\n`, host: 'web1', port: 22, key: 'ed', want: 'match' },
    { what: 'revoked key is refused', file: (k) => `@revoked web1 ${k.ed.line}\nweb1 ${k.ed.line}`, host: 'web1', port: 22, key: 'ed', want: 'changed' },
    { what: 'second key of another type for the host', file: (k) => `web1 ${k.rsa.line}\nweb1 ${k.ed.line}`, host: 'web1', port: 22, key: 'ed', want: 'match' },
  ];
  for (const c of cases) {
    it(`${c.what} → ${c.want}`, () => {
      const kh = new KnownHosts(c.file(keys));
      expect(kh.check(c.host, c.port, keys[c.key].blob).status).to.equal(c.want);
    });
  }

  it('matches names hashed by ssh-keygen -H, for port 22 and [host]:port', () => {
    const f = join(dir, 'hashed');
    writeFileSync(f, `k1-node01 ${keys.ed.line}\n[127.0.10.4]:2201 ${keys.rsa.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
    const text = readFileSync(f, 'utf8');
    expect(text).to.not.include('k1-node01');
    expect(text).to.match(/^\|1\|/);
    const kh = KnownHosts.load(f);
    expect(kh.check('k1-node01', 22, keys.ed.blob).status).to.equal('match');
    expect(kh.check('127.0.10.4', 2201, keys.rsa.blob).status).to.equal('match');
    expect(kh.check('127.0.10.4', 22, keys.rsa.blob).status).to.equal('unknown');
    expect(kh.check('k1-node01', 22, keys.other.blob).status).to.equal('changed');
  });

  it('appends a newly accepted host in a form ssh-keygen -F finds', () => {
    const f = join(dir, 'sub', 'known_hosts');
    const kh = KnownHosts.load(f);
    kh.append('127.0.10.9', 2200, keys.ed.blob);
    expect(kh.check('127.0.10.9', 2200, keys.ed.blob).status).to.equal('match');
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.10.9]:2200', '-f', f], { encoding: 'utf8' });
    expect(found).to.include(keys.ed.line.split(' ')[1]);
    expect(KnownHosts.load(f).check('127.0.10.9', 2200, keys.ed.blob).status).to.equal('match');
  });
});
