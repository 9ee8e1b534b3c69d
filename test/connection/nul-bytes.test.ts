import { expect } from 'chai';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { command, copy, file } from '../../lib/index.js';
import type { TaskBuilder } from '../../lib/index.js';
import { file as fileModule } from '../../lib/modules/file.js';
import { shq, shqNamed } from '../../lib/util/shell.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';
import { runModule, testContext } from '../helpers/sandbox.js';
import { useSshd } from '../helpers/sshd-fixture.js';

// Issue 18: a shell script is a C string, so sh drops a NUL byte in a quoted value and
// `dir/a\0b` reached the host as `dir/ab`: another file was touched. shq refuses such values and
// the task fails with a message naming the value, before anything runs.

const NUL_MSG = /contains a NUL byte \(\\u0000\), which no command on the host can receive; remove it/;

describe('NUL bytes in values for a remote shell', () => {
  it('shq refuses them, naming the value and its role', () => {
    expect(() => shqNamed('/etc/a\0b', "argument 'path'")).to.throw(/^argument 'path' "\/etc\/a\\u0000b" contains a NUL byte/);
    expect(() => shq('x\0')).to.throw(/^a value "x\\u0000" contains a NUL byte/);
    expect(shq("it's")).to.equal(`'it'\\''s'`);
  });

  describe('over SSH (the sh path, where the byte was dropped)', () => {
    // the helper off: every file operation goes through sh on the host
    const fx = useSshd({ tag: 'nul', address: '127.0.77.50', scratchMode: 0o777, vars: { ansible_python_interpreter: '/nonexistent/python3' } });

    it('a file task with a NUL in its path fails cleanly and touches nothing', async () => {
      const dir = join(fx.scratch, 'file');
      mkdirSync(dir, { mode: 0o777 });
      const ctx = testContext(fx.connect());
      const res = await runModule(fileModule, { path: `${dir}/a\u0000b`, state: 'touch' }, ctx).catch((e: Error) => ({ failed: true, msg: e.message }));
      expect(res).to.deep.include({ failed: true });
      expect(res.msg).to.match(NUL_MSG);
      expect(readdirSync(dir), 'nothing was created (not even dir/ab)').to.deep.equal([]);
    });
  });

  describe('through the executor (a clean task failure, no stack trace)', () => {
    let dir: string;
    let cleanup: () => void;
    beforeEach(() => ({ dir, cleanup } = scratch('tsplay-nul-')));
    afterEach(() => cleanup());

    it('file, copy and command tasks with a NUL fail as tasks and touch nothing', async () => {
      const inv = localInventory(dir, ['h1']);
      const root = join(dir, 'h1');
      mkdirSync(root);
      const tasks = (t: TaskBuilder) => {
        t.task('touch', file({ path: '{{ root }}/a\u0000b', state: 'touch' }), { ignoreErrors: true });
        t.task('copy', copy({ dest: '{{ root }}/c\u0000d', content: 'x\n' }), { ignoreErrors: true });
        t.task('cmd', command({ argv: ['touch', `${root}/e\u0000f`] }), { ignoreErrors: true });
      };
      const run = await runPlays(inv, [{ hosts: 'h1', gatherFacts: false, tasks }]);
      for (const name of ['touch', 'copy', 'cmd']) {
        const ev = run.events.find((e) => e.type === 'host_result' && e.task === name);
        const result = ev && ev.type === 'host_result' ? ev.result : undefined;
        expect(result?.failed, `${name} failed`).to.equal(true);
        const msg = String(result?.msg);
        expect(msg, name).to.match(NUL_MSG);
        expect(msg, `${name}: no stack trace`).to.not.match(/\n\s+at /);
      }
      expect(readdirSync(root), 'nothing was created').to.deep.equal([]);
    });
  });
});
