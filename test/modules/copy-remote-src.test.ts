import { expect } from 'chai';
import { copy } from '../../lib/modules/copy.js';
import type { CopyArgs } from '../../lib/modules/copy.js';
import type { Case } from './harness.js';
import { runCases } from './harness.js';

// copy with remote_src: both files are on the host; the bytes are copied there into the staged
// write beside dest (never through the controller) and committed only if their sha1 matches the
// source's as probed. kubespray copies downloaded binaries into bin_dir this way.

const cases: Case<CopyArgs>[] = [
  {
    name: 'copies a host file to a new dest with a mode',
    given: { 'dl/kubeadm': { content: 'binary\n', mode: '0600' }, bin: { dir: true } },
    args: (d) => ({ src: `${d}/dl/kubeadm`, dest: `${d}/bin/kubeadm`, remote_src: true, mode: '0755' }),
    expect: {
      changed: true,
      resultFn: (r, d) => {
        expect(r.src).to.equal(`${d}/dl/kubeadm`);
        expect(r.dest).to.equal(`${d}/bin/kubeadm`);
        expect(r.size).to.equal(7);
      },
      state: { 'bin/kubeadm': { content: 'binary\n', mode: '0755' }, 'dl/kubeadm': { content: 'binary\n', mode: '0600' } },
    },
  },
  {
    name: 'same content: ok, nothing written',
    given: { src: 'same\n', dst: 'same\n' },
    args: (d) => ({ src: `${d}/src`, dest: `${d}/dst`, remote_src: true }),
    expect: { changed: false, state: { dst: 'same\n' } },
  },
  {
    name: 'different content replaces dest; diff shows both host files',
    given: { src: 'new\n', dst: 'old\n' },
    diff: true,
    args: (d) => ({ src: `${d}/src`, dest: `${d}/dst`, remote_src: true }),
    expect: { changed: true, diffContains: ['-old\n+new'], state: { dst: 'new\n' } },
  },
  {
    name: 'check mode reports the change and writes nothing',
    given: { src: 'new\n', dst: 'old\n' },
    check: true,
    diff: true,
    args: (d) => ({ src: `${d}/src`, dest: `${d}/dst`, remote_src: true }),
    expect: { changed: true, diffContains: ['+new'], state: { dst: 'old\n' } },
  },
  {
    name: 'dest is a directory: the file goes inside under its name',
    given: { src: 'x\n', out: { dir: true } },
    args: (d) => ({ src: `${d}/src`, dest: `${d}/out/`, remote_src: true }),
    expect: { changed: true, state: { 'out/src': 'x\n' } },
  },
  {
    name: 'force false keeps an existing dest',
    given: { src: 'new\n', dst: 'old\n' },
    args: (d) => ({ src: `${d}/src`, dest: `${d}/dst`, remote_src: true, force: false }),
    expect: { changed: false, state: { dst: 'old\n' } },
  },
  {
    name: 'only the mode differs: fixed without copying',
    given: { src: 'a\n', dst: { content: 'a\n', mode: '0644' } },
    args: (d) => ({ src: `${d}/src`, dest: `${d}/dst`, remote_src: true, mode: '0600' }),
    expect: { changed: true, state: { dst: { content: 'a\n', mode: '0600' } } },
  },
  {
    name: 'binary content survives byte for byte',
    given: { src: Buffer.from([0, 1, 2, 255, 10, 0]) },
    args: (d) => ({ src: `${d}/src`, dest: `${d}/dst`, remote_src: true }),
    expect: { changed: true, state: { dst: Buffer.from([0, 1, 2, 255, 10, 0]) } },
  },
  {
    name: 'a validate that fails leaves dest as it was',
    given: { src: 'new\n', dst: 'old\n' },
    args: (d) => ({ src: `${d}/src`, dest: `${d}/dst`, remote_src: true, validate: 'false %s' }),
    expect: { error: /rejected the new content/, state: { dst: 'old\n' } },
  },
  {
    name: 'backup keeps the old dest',
    given: { src: 'new\n', dst: 'old\n' },
    args: (d) => ({ src: `${d}/src`, dest: `${d}/dst`, remote_src: true, backup: true }),
    expect: { changed: true, resultFn: (r) => expect(String(r.backup_file)).to.match(/\/dst\.\d+\..*~$/), state: { dst: 'new\n' } },
  },
  {
    name: 'a missing source fails saying it is looked for on the host',
    args: (d) => ({ src: `${d}/nope`, dest: `${d}/dst`, remote_src: true }),
    expect: { error: /Source .*\/nope not found on testhost; check the path \(with remote_src, src is on the host\)/ },
  },
  {
    name: 'a relative source is refused',
    args: () => ({ src: 'rel/file', dest: '/tmp/x', remote_src: true }),
    expect: { error: /must be an absolute path on the host/ },
  },
  {
    name: 'a directory source is refused with what to do',
    given: { sdir: { dir: true } },
    args: (d) => ({ src: `${d}/sdir`, dest: `${d}/dst`, remote_src: true }),
    expect: { error: /remote_src of a directory .* is not supported/ },
  },
  {
    name: 'a source name starting with - is an operand, not an option',
    given: { '-n': 'dash\n' },
    args: (d) => ({ src: `${d}/-n`, dest: `${d}/dst`, remote_src: true }),
    expect: { changed: true, state: { dst: 'dash\n' } },
  },
];

describe('copy module, remote_src', () => runCases(copy.def, cases));
