import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shq } from '../../lib/util/shell.js';

// --step in a real terminal: util-linux `script` gives tsplay a pty and types the answers.
describe('tsplay run --step', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tsplay-step-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('asks before each task: y runs it, n skips it, c runs the rest without asking', () => {
    const cmd = [process.execPath, 'bin/tsplay.js', 'run', 'test/fixtures/cli/step.ts', '-i', 'localhost,', '-c', 'local', '-e', `out_dir=${dir}`, '--step', '--no-retry-file'].map(shq).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: 'y\nn\nc\n', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(['one', 'two', 'three', 'four'].filter((n) => existsSync(join(dir, n)))).to.deep.equal(['one', 'three', 'four']);
    expect(r.stdout.match(/Perform task: touch \w+/g)).to.deep.equal(['Perform task: touch one', 'Perform task: touch two', 'Perform task: touch three']);
  });

  it('refuses --step without a terminal', () => {
    const r = spawnSync(process.execPath, ['bin/tsplay.js', 'run', 'test/fixtures/cli/step.ts', '-i', 'localhost,', '-c', 'local', '-e', `out_dir=${dir}`, '--step'], { encoding: 'utf8', input: '' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/--step asks before each task and needs a terminal/);
  });
});
