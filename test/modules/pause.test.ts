import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pause } from '../../lib/modules/pause.js';
import { runModule } from '../helpers/sandbox.js';
import type { ModuleContext } from '../../lib/modules/types.js';

// pause runs on the controller. Prompts are tested in a child process: under `script` (a real
// pseudo-terminal, as when a person runs tsplay) or with a pipe as stdin (as in CI).

const RUNNER = fileURLToPath(new URL('../fixtures/system/pause-run.ts', import.meta.url));

interface Run {
  output: string;
  result: { user_input: string; delta: number; stdout: string };
  logged: string[];
}

/** Run pause in a child; with `answer`, on a pty, typing it once the prompt is shown. */
function runChild(args: { prompt: string; echo?: boolean }, answer?: string): Promise<Run> {
  const cmd = `node --import tsx ${RUNNER} '${JSON.stringify(args)}'`;
  const child = answer === undefined
    ? spawn('/bin/sh', ['-c', `${cmd} </dev/null`], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let typed = false;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (answer !== undefined && !typed && output.includes(`${args.prompt}:`)) {
        typed = true;
        child.stdin?.write(`${answer}\r`);
      }
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return reject(new Error(`no result from pause child:\n${output}`));
      const parsed = JSON.parse(line.slice(7)) as { result: Run['result']; logged: string[] };
      resolve({ output: output.replace(line, ''), ...parsed });
    });
  });
}

function ctx(): ModuleContext & { logged: string[] } {
  const logged: string[] = [];
  return { host: 'c', check: false, diff: false, become: false, vars: {}, log: (m: string) => logged.push(m), logged } as unknown as ModuleContext & { logged: string[] };
}

describe('pause module', function () {
  // the shown figure must be the time actually paused, in the unit asked for: a minutes value
  // taken as seconds, or a pause that does not wait, shows (and takes) far less than asked
  const timed = [
    { title: 'seconds pauses and reports it', args: { seconds: 0.3 }, unit: 'seconds', wantSecs: 0.3, min: 0.3, max: 5 },
    { title: 'minutes are reported in minutes', args: { minutes: 0.02 }, unit: 'minutes', wantSecs: 1.2, min: 0.02, max: 0.1 },
  ];
  for (const t of timed) {
    it(t.title, async () => {
      const c = ctx();
      const t0 = Date.now();
      const res = await runModule(pause, t.args, c);
      const took = (Date.now() - t0) / 1000;
      expect(res.changed).to.equal(false);
      expect(res.user_input).to.equal('');
      expect(res.delta).to.be.at.most(Math.floor(took));
      expect(took).to.be.at.least(t.wantSecs - 0.01);
      const m = /^Paused for (\d+(?:\.\d+)?) (\w+)$/.exec(res.stdout);
      expect(m, res.stdout).to.not.equal(null);
      expect(m![2]).to.equal(t.unit);
      expect(Number(m![1])).to.be.within(t.min, t.max);
    });
  }

  it('with a terminal, waits for Enter and returns what was typed', async () => {
    const run = await runChild({ prompt: 'Upgrade node1?' }, 'yes');
    expect(run.output).to.include('Upgrade node1?:');
    expect(run.result.user_input).to.equal('yes');
    expect(run.logged).to.deep.equal([]);
  });

  it('echo: false hides what is typed', async () => {
    const run = await runChild({ prompt: 'Password', echo: false }, 's3cret-word');
    expect(run.result.user_input).to.equal('s3cret-word');
    expect(run.output).to.not.include('s3cret-word');
  });

  it('without a terminal, a prompt is not waited for: warning, then the play goes on (Ansible)', async () => {
    const run = await runChild({ prompt: 'Upgrade node1?' });
    expect(run.result.user_input).to.equal('');
    expect(run.logged).to.deep.equal(['Upgrade node1?', '[WARNING]: Not waiting for response to prompt as stdin is not interactive']);
  });

  it('seconds and minutes together are refused', async () => {
    const res = await runModule(pause, { seconds: 1, minutes: 1 }, ctx());
    expect(res.failed).to.equal(true);
    expect(res.msg).to.match(/mutually exclusive/);
  });
});
