import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { collectSecrets } from '../../lib/cli/secrets.js';
import { loadInventory } from '../../lib/inventory/index.js';
import { maskSecrets } from '../../lib/report/mask.js';

// collectSecrets is what masks the inventory's secrets before anything runs: every value whose
// name says it is a secret, from every layer (host line, group_vars, host_vars), strings and
// numbers alike, the old variable names included; nothing else.
describe('collectSecrets (the inventory\'s secrets, before the run)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tsplay-collect-'));
    mkdirSync(path.join(dir, 'group_vars'));
    mkdirSync(path.join(dir, 'host_vars'));
    writeFileSync(
      path.join(dir, 'hosts.ini'),
      [
        '[web]',
        'h1 ansible_user=ops ansible_password=Login-Pw-1 ansible_become_password=Become-Pw-2',
        'h2 ansible_become_pass=Old-Become-3 ansible_ssh_pass=Old-Ssh-4 http_port=8080',
        '',
      ].join('\n'),
    );
    // YAML gives numbers: a numeric secret is still a secret
    writeFileSync(path.join(dir, 'group_vars/web.yml'), 'cloud_secret: Group-Secret-5\nvault_token: 987654321\nshared_password: Same-For-All-6\ncluster_name: prod-cluster\n');
    writeFileSync(path.join(dir, 'host_vars/h2.yml'), 'rbd_secret: Host-Secret-7\nregistry_api_key: 24681357\nreplicas: 31415926\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every secret-named value on every host and layer, numbers and the old names too, once each', async () => {
    const inv = await loadInventory([path.join(dir, 'hosts.ini')]);
    const got = collectSecrets(inv);
    expect([...got].sort()).to.deep.equal(
      ['Login-Pw-1', 'Become-Pw-2', 'Old-Become-3', 'Old-Ssh-4', 'Group-Secret-5', '987654321', 'Same-For-All-6', 'Host-Secret-7', '24681357'].sort(),
    );
  });

  it('what it finds masks the values in output, and leaves the rest readable', async () => {
    const inv = await loadInventory([path.join(dir, 'hosts.ini')]);
    const line = 'login Old-Become-3 token 987654321 key 24681357 port 8080 replicas 31415926 cluster prod-cluster ops';
    const masked = maskSecrets(line, collectSecrets(inv));
    for (const s of ['Old-Become-3', '987654321', '24681357']) expect(masked).to.not.include(s);
    expect(masked).to.include('port 8080').and.include('replicas 31415926').and.include('cluster prod-cluster').and.include('ops');
  });
});
