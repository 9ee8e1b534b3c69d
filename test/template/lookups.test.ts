// lookup() failures are located errors (what they return: vs-ansible.test.ts).
import { expect } from 'chai';
import { renderString } from '../../lib/template/index.js';
import { LOOKUP_DIR } from './parity-lookups.js';

const r = (t: string, v: Record<string, unknown> = {}) => renderString(t, { playbook_dir: LOOKUP_DIR, ...v }, { name: 't.j2', host: 'h1' });

describe('lookup errors', () => {
  const table: [string, RegExp][] = [
    ["x\n{{ lookup('file', 'nope.txt') }}", /^t\.j2:2: host h1: lookup\('file'\): could not locate file in lookup: nope\.txt/],
    ["{{ lookup('nosuch', 'a') }}", /lookup plugin \(nosuch\) not found; tsplay has vars, env, file, template, pipe, first_found, items, list/],
    ["{{ lookup('vars', 'nope') }}", /lookup\('vars'\): No variable found with this name: nope/],
    ["{{ lookup('vars', 'nope', errors='ignore') }}", /No variable found with this name: nope/],
    ["{{ lookup('pipe', 'exit 3') }}", /lookup\('pipe'\): lookup_plugin\.pipe\(exit 3\) returned 3/],
    ["{{ lookup('first_found', ['a', 'b']) }}", /No file was found when using first_found/],
    ["{{ lookup('template', 'nope.j2') }}", /the template file nope\.j2 could not be found for the lookup/],
    ["{{ lookup('file', 'hello.txt', errors='maybe') }}", /errors= must be strict, warn or ignore/],
    ['{{ lookup() }}', /lookup needs a plugin name first/],
  ];
  for (const [t, re] of table) it(t.replace('\n', '\\n'), () => expect(() => r(t)).to.throw(re));

  it('an undefined variable inside a looked-up template names that template', () => {
    expect(() => r("{{ lookup('template', 'other.j2') }}", {})).to.throw(/other\.j2:1: .*undefined variable 'name'/);
  });
  it('a role\'s own files come before the playbook dir', () => {
    expect(r("{{ lookup('file', 'plain.txt') }}", { role_path: LOOKUP_DIR, playbook_dir: '/nonexistent' })).to.equal('top');
    expect(r("{{ lookup('file', 'hello.txt') }}", { role_path: LOOKUP_DIR, playbook_dir: '/nonexistent' })).to.equal('hello');
    expect(() => r("{{ lookup('file', 'plain.txt') }}", { playbook_dir: '/nonexistent' })).to.throw(/could not locate/);
  });
});
