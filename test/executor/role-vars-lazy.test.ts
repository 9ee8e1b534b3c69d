import { expect } from 'chai';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { command, copy, defineRole, roleVars, v } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

// A role's declared variables are rendered and validated when something reads them, not all at
// the role's first task (issue 15): kubespray's shared defaults hold fact-based values such as
// main_ip that a play without facts never reads.

const sharedVars = roleVars({ main_ip: v.string(), lazy_port: v.integer(), lazy_dir: v.string() });

describe('role variables are rendered and validated when read', function () {
  this.timeout(30_000);
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch()));
  afterEach(() => cleanup());

  it('an unread default that cannot render (fact missing) is no error', async () => {
    const role = defineRole({
      name: 'shared',
      vars: sharedVars,
      defaults: { main_ip: '{{ ansible_default_ipv4.address }}', lazy_port: 80, lazy_dir: '{{ root }}' },
      tasks: (t) => void t.task('write', copy({ dest: '{{ lazy_dir }}/port', content: '{{ lazy_port }}' })),
    });
    const inv = localInventory(dir, ['h1']);
    mkdirSync(join(dir, 'h1'));
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, roles: [role] }]);
    expect(run.results('write')).to.deep.equal(['h1:changed']);
    expect(readFileSync(join(dir, 'h1', 'port'), 'utf8')).to.equal('80');
  });

  it('a default given as a function is called when read, and its failure names the variable', async () => {
    const role = defineRole({
      name: 'fnshared',
      vars: sharedVars,
      defaults: {
        main_ip: (h) => (h.allVars.ansible_default_ipv4 as { address: string }).address,
        lazy_port: () => 81,
        lazy_dir: '{{ root }}',
      },
      tasks: (t) => {
        t.task('write', copy({ dest: '{{ lazy_dir }}/port', content: '{{ lazy_port }}' }));
        t.task('main ip', command('echo {{ main_ip }}'));
      },
    });
    const inv = localInventory(dir, ['h1']);
    mkdirSync(join(dir, 'h1'));
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, roles: [role] }]);
    expect(run.results('write')).to.deep.equal(['h1:changed']);
    expect(readFileSync(join(dir, 'h1', 'port'), 'utf8')).to.equal('81');
    const ip = run.events.find((e) => e.type === 'host_result' && e.task === 'main ip');
    expect(ip && ip.type === 'host_result' && ip.msg).to.match(/^variable 'main_ip': host h1: its default function failed: /);
  });

  it('a bad value fails the first task that reads it, with the located error; earlier tasks run', async () => {
    const role = defineRole({
      name: 'shared',
      vars: sharedVars,
      defaults: { main_ip: '{{ ansible_default_ipv4.address }}', lazy_port: 80, lazy_dir: '{{ root }}' },
      tasks: (t) => {
        t.task('no port', copy({ dest: '{{ lazy_dir }}/a', content: 'a' }));
        // read through another variable's template: still validated
        t.task('port via a var', command('echo {{ port_text }}'), { vars: { port_text: 'port {{ lazy_port }}' } });
        t.task('main ip', command('echo {{ main_ip }}'));
      },
    });
    const inv = localInventory(dir, ['h1', 'h2'], 'h1 lazy_port=eighty\n');
    for (const h of ['h1', 'h2']) mkdirSync(join(dir, h));
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, roles: [role] }]);
    expect(run.results('no port').sort()).to.deep.equal(['h1:changed', 'h2:changed']);
    expect(run.results('port via a var').sort()).to.deep.equal(['h1:failed', 'h2:changed']);
    const ev = run.events.find((e) => e.type === 'host_result' && e.task === 'port via a var' && e.host === 'h1');
    expect(ev && ev.type === 'host_result' && ev.msg).to.equal(
      "host h1, role shared: variable 'lazy_port' must be integer (set it in the role's defaults, inventory, role params or -e)",
    );
    // the fact-based default fails only where it is read, naming the variable
    const ip = run.events.find((e) => e.type === 'host_result' && e.task === 'main ip' && e.host === 'h2');
    expect(ip && ip.type === 'host_result' && ip.status).to.equal('failed');
    expect(ip && ip.type === 'host_result' && ip.msg).to.match(/main_ip/).and.to.match(/ansible_default_ipv4/);
  });
});
