import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExtraVars } from '../../lib/vars/extra.js';
import { ansiblePlaybook } from '../helpers/ansible-playbook.js';

// `-e key=value` as ansible-playbook 2.14 reads it, side by side: escapes (Python's: \t \\ \' \"
// \a \b \f \v \r \n, \xHH, \uHHHH, \UHHHHHHHH, octal, unknown ones kept), quotes and spaces. One
// ansible-playbook run prints every value as JSON; tsplay's parse must give the same strings.

const CASES: Record<string, string> = {
  tab: 'a\\tb',
  backslash: 'a\\\\b',
  squote: "\"it\\'s\"",
  dquote: "'say \\\"hi\\\"'",
  bell: 'x\\ay',
  controls: '\\b\\f\\v\\r',
  newline: 'l1\\nl2',
  hex: '\\x41\\x7a',
  u4: 'caf\\u00e9',
  u8: '\\U0001F600!',
  octal: '\\101\\7',
  unknown: 'a\\d+',
  spaced: "'a b  c'",
  equals: 'k=v=w',
  mixed: 'x\\ty\\\\z\\aw\\bq\\fe\\vr\\rt',
  empty_quotes: "''",
  quoted_mid: 'a"b c"d',
  padded: "' x '",
};

describe('-e key=value, side by side with ansible-playbook 2.14', function () {
  this.timeout(60000);
  it('every escape, quote and space decodes as Ansible decodes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-extra-'));
    try {
      const arg = Object.entries(CASES).map(([k, v]) => `${k}=${v}`).join(' ');
      const out = join(dir, 'out.json');
      writeFileSync(join(dir, 'hosts'), 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
      const dump = `{{ {${Object.keys(CASES).map((k) => `'${k}': ${k}`).join(', ')}} | to_json }}`;
      writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - copy: {dest: ${out}, content: "${dump}"}\n`);
      const r = await ansiblePlaybook(dir, ['-i', join(dir, 'hosts'), join(dir, 'pb.yml'), '-e', arg]);
      expect(r.code, r.out).to.equal(0);
      const ansible = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
      expect(ansible.tab, 'premise').to.equal('a\tb');
      const ours = parseExtraVars([arg], dir);
      for (const k of Object.keys(CASES)) expect(ours[k], k).to.equal(ansible[k]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
