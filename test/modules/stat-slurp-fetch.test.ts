import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { fetch } from '../../lib/modules/fetch.js';
import type { FetchArgs } from '../../lib/modules/fetch.js';
import { slurp } from '../../lib/modules/slurp.js';
import type { SlurpArgs } from '../../lib/modules/slurp.js';
import { stat } from '../../lib/modules/stat.js';
import type { StatArgs } from '../../lib/modules/stat.js';
import type { Case, Given } from './harness.js';
import { runCases } from './harness.js';

const statCases: Case<StatArgs>[] = [
  {
    name: 'a regular file: type, mode, owner, size and sha1',
    given: { f: { content: 'hello\n', mode: '0640' } },
    args: (d) => ({ path: `${d}/f` }),
    expect: {
      changed: false,
      resultFn: (r, d) =>
        expect(r.stat).to.deep.include({
          exists: true, path: `${d}/f`, isreg: true, isdir: false, islnk: false, mode: '0640',
          size: 6, pw_name: 'root', gr_name: 'root', uid: 0, gid: 0, checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f',
        }),
    },
  },
  {
    name: 'a missing path: exists false',
    args: (d) => ({ path: `${d}/nothing` }),
    expect: { changed: false, resultFn: (r, d) => expect(r.stat).to.deep.equal({ exists: false, path: `${d}/nothing` }) },
  },
  {
    name: 'a directory',
    given: { dir: { dir: true, mode: '0700' } },
    args: (d) => ({ path: `${d}/dir` }),
    expect: { changed: false, resultFn: (r) => expect(r.stat).to.deep.include({ isdir: true, isreg: false, mode: '0700' }) },
  },
  {
    name: 'a symlink without follow: islnk and lnk_target',
    given: { real: 'x', l: { link: 'real' } } as Record<string, Given>,
    args: (d) => ({ path: `${d}/l` }),
    expect: { changed: false, resultFn: (r) => expect(r.stat).to.deep.include({ islnk: true, isreg: false, lnk_target: 'real' }) },
  },
  {
    name: 'a symlink with follow: describes the target',
    given: { real: 'x', l: { link: 'real' } } as Record<string, Given>,
    args: (d) => ({ path: `${d}/l`, follow: true }),
    expect: { changed: false, resultFn: (r) => expect(r.stat).to.deep.include({ islnk: false, isreg: true, size: 1 }) },
  },
  {
    name: 'get_checksum=false leaves the checksum out',
    given: { f: 'x' },
    args: (d) => ({ path: `${d}/f`, get_checksum: false }),
    expect: { changed: false, resultFn: (r) => expect(r.stat).to.not.have.property('checksum') },
  },
];

const slurpCases: Case<SlurpArgs>[] = [
  {
    name: 'reads a file as base64',
    given: { f: 'secret\n' },
    args: (d) => ({ src: `${d}/f` }),
    expect: { changed: false, result: { content: Buffer.from('secret\n').toString('base64'), encoding: 'base64' }, resultFn: (r, d) => expect(r.source).to.equal(`${d}/f`) },
  },
  {
    name: 'a missing file fails naming it',
    args: (d) => ({ src: `${d}/nope` }),
    expect: { error: /slurp: file not found: .*\/nope/ },
  },
  {
    name: 'a directory fails',
    given: { d: { dir: true } },
    args: (d) => ({ src: `${d}/d` }),
    expect: { error: /is not a regular file/ },
  },
];

describe('stat module', () => runCases(stat.def, statCases));
describe('slurp module', () => runCases(slurp.def, slurpCases));

describe('fetch module', () => {
  let local: string;
  beforeEach(() => {
    local = mkdtempSync(join(tmpdir(), 'tsplay-fetch-local-'));
  });
  afterEach(() => rmSync(local, { recursive: true, force: true }));
  const leftovers = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).filter((n) => n.includes('.tsplay.'));

  const cases: (Case<FetchArgs> & { localFile: (d: string) => string; preexisting?: string })[] = [
    {
      name: 'default layout dest/<host>/<src path>; second run does not transfer',
      given: { 'etc/app.conf': 'remote\n' },
      args: (d) => ({ src: `${d}/etc/app.conf`, dest: local }),
      localFile: (d) => join(local, 'testhost', d, 'etc/app.conf'),
      expect: { changed: true },
    },
    {
      name: 'flat with a trailing slash: dest/<basename>',
      given: { 'app.conf': 'remote\n' },
      args: (d) => ({ src: `${d}/app.conf`, dest: `${local}/out/`, flat: true }),
      localFile: () => join(local, 'out', 'app.conf'),
      expect: { changed: true },
    },
    {
      name: 'flat without slash: dest is the file; an equal local copy is no change',
      given: { 'app.conf': 'remote\n' },
      preexisting: 'remote\n',
      args: (d) => ({ src: `${d}/app.conf`, dest: `${local}/copy.conf`, flat: true }),
      localFile: () => join(local, 'copy.conf'),
      expect: { changed: false },
    },
    {
      name: 'check mode: reports the change, writes nothing locally',
      given: { 'app.conf': 'remote\n' },
      check: true,
      args: (d) => ({ src: `${d}/app.conf`, dest: `${local}/copy.conf`, flat: true }),
      localFile: () => join(local, 'copy.conf'),
      expect: { changed: true },
    },
    {
      name: 'a missing remote file fails (fail_on_missing default)',
      args: (d) => ({ src: `${d}/nope`, dest: local }),
      localFile: () => join(local, 'x'),
      expect: { error: /fetch: the remote file .*nope does not exist on testhost \(set fail_on_missing: false/ },
    },
    {
      name: 'fail_on_missing=false: ok with a message',
      args: (d) => ({ src: `${d}/nope`, dest: local, fail_on_missing: false }),
      localFile: () => join(local, 'x'),
      expect: { changed: false, result: { msg: 'the remote file does not exist, not transferring, ignored' } },
    },
  ];
  for (const c of cases) {
    // the harness manages the host side; the controller side lives in `local`
    describe(c.name, () => {
      runCases(fetch.def, [
        {
          ...c,
          name: 'runs',
          args: (d) => {
            if (c.preexisting !== undefined) writeFileSync(c.localFile(d), c.preexisting);
            return c.args(d);
          },
          expect: {
            ...c.expect,
            resultFn: (r, d) => {
              const f = c.localFile(d);
              if (c.check || c.expect.changed === false) {
                if (c.preexisting === undefined) expect(() => readFileSync(f)).to.throw();
              } else {
                expect(readFileSync(f, 'utf8')).to.equal('remote\n');
                expect(r.dest).to.equal(f);
              }
              expect(leftovers(local)).to.deep.equal([]);
            },
          },
        },
      ]);
    });
  }
});
