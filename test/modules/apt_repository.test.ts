import { expect } from 'chai';
import { apt_repository, suggestFilename } from '../../lib/modules/apt_repository.js';
import { deb822_repository, sourcesFilename } from '../../lib/modules/deb822_repository.js';
import { runModule, sh, startSandbox, testContext, type Sandbox } from '../helpers/sandbox.js';

// apt_repository against real /etc/apt files and real apt-get in a namespaced sandbox (its own
// overlay of /etc/apt; the Debian sources are moved away inside it so nothing reaches the
// network). The seed's kubernetes line is written exactly; update_cache runs against a local
// file: repository (the seed's https URL cannot be fetched here).

const SEED = 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.29/deb/ /';
const SEED_FILE = '/etc/apt/sources.list.d/pkgs_k8s_io_core_stable_v1_29_deb.list';
const LOCAL = 'deb [signed-by=/etc/apt/keyrings/local.gpg trusted=yes] file:/srv/i15-repo ./';

describe('apt_repository module (real /etc/apt and apt-get in a namespaced sandbox)', function () {
  this.timeout(120_000);
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox('i15-aptrepo');
    await sh(sb.conn, [
      'mkdir -p /etc/apt/sources.list.d.off /etc/apt/keyrings /srv/i15-repo',
      'for f in /etc/apt/sources.list.d/*; do [ -e "$f" ] && mv "$f" /etc/apt/sources.list.d.off/; done; rm -f /etc/apt/sources.list',
      'cp /usr/share/keyrings/debian-archive-keyring.gpg /etc/apt/keyrings/local.gpg',
      'cd /srv/i15-repo && : > Packages',
    ].join('\n'));
  });
  after(async () => sb?.stop());
  const ctx = (o: { check?: boolean; diff?: boolean } = {}) => testContext(sb.conn, o);
  const ls = async () => (await sh(sb.conn, 'cd /etc/apt/sources.list.d && ls -A')).trim();

  it('names files as Ansible does', () => {
    expect(suggestFilename('deb [signed-by=/k.gpg] https://pkgs.k8s.io/core:/stable:/v1.29/deb/ /')).to.equal('pkgs_k8s_io_core_stable_v1_29_deb.list');
    expect(suggestFilename('deb http://user:pw@mirror.example.org/debian bookworm main')).to.equal('mirror_example_org_debian.list');
    expect(suggestFilename('deb http://x/ y', 'kubernetes')).to.equal('kubernetes.list');
  });

  it('adds the seed line with its signed-by key file: check first, then for real, then ok', async () => {
    const check = await runModule(apt_repository, { repo: SEED, update_cache: false }, ctx({ check: true, diff: true }));
    expect(check).to.deep.include({ changed: true, sources_added: [SEED_FILE], sources_removed: [] });
    expect(check.diff?.[0]).to.deep.equal({ path: SEED_FILE, before: '', after: `${SEED}\n` });
    expect(await ls()).to.equal('');

    const r = await runModule(apt_repository, { repo: SEED, update_cache: false }, ctx());
    expect(r).to.deep.include({ changed: true, repo: SEED, state: 'present' });
    expect(await sh(sb.conn, `cat ${SEED_FILE}; stat -c %a ${SEED_FILE}`)).to.equal(`${SEED}\n644\n`);
    expect((await runModule(apt_repository, { repo: SEED, update_cache: false }, ctx())).changed).to.equal(false);
  });

  it('the same source with other spacing anywhere counts as present; a commented-out copy is enabled', async () => {
    await sh(sb.conn, `rm -f /etc/apt/sources.list.d/*; printf '%s\\n' '# deb  http://deb.example.org/x  stable main # old' > /etc/apt/sources.list.d/other.list`);
    const r = await runModule(apt_repository, { repo: 'deb http://deb.example.org/x stable main', update_cache: false }, ctx({ diff: true }));
    expect(r.changed).to.equal(true);
    expect(await sh(sb.conn, 'cat /etc/apt/sources.list.d/other.list')).to.equal('deb http://deb.example.org/x stable main # old\n');
    expect(await ls()).to.equal('other.list');
  });

  it('filename and mode name the new file', async () => {
    await sh(sb.conn, 'rm -f /etc/apt/sources.list.d/*');
    const r = await runModule(apt_repository, { repo: SEED, filename: 'kubernetes', mode: '0600', update_cache: false }, ctx());
    expect(r.sources_added).to.deep.equal(['/etc/apt/sources.list.d/kubernetes.list']);
    expect(await sh(sb.conn, 'stat -c %a /etc/apt/sources.list.d/kubernetes.list')).to.equal('600\n');
  });

  it('absent removes the line and deletes a file left empty', async () => {
    await sh(sb.conn, `rm -f /etc/apt/sources.list.d/*; printf '%s\\n' '${SEED}' > /etc/apt/sources.list.d/k.list; printf '%s\\n%s\\n' '${SEED}' 'deb http://keep.example.org/ stable main' > /etc/apt/sources.list.d/two.list`);
    const r = await runModule(apt_repository, { repo: SEED, state: 'absent', update_cache: false }, ctx());
    expect(r).to.deep.include({ changed: true, sources_removed: ['/etc/apt/sources.list.d/k.list'] });
    expect(await ls()).to.equal('two.list');
    expect(await sh(sb.conn, 'cat /etc/apt/sources.list.d/two.list')).to.equal('deb http://keep.example.org/ stable main\n');
    expect((await runModule(apt_repository, { repo: SEED, state: 'absent' }, ctx())).changed).to.equal(false);
  });

  it('update_cache runs apt-get update against the new source (local repository)', async () => {
    await sh(sb.conn, 'rm -f /etc/apt/sources.list.d/* /var/lib/apt/lists/*i15-repo*');
    const r = await runModule(apt_repository, { repo: LOCAL }, ctx());
    expect(r.failed, r.msg).to.equal(undefined);
    expect(r.changed).to.equal(true);
    expect(await sh(sb.conn, 'ls /var/lib/apt/lists/ | grep -c i15-repo')).to.not.equal('0\n');
  });

  it('an update that fails names the error and says the file was written', async () => {
    await sh(sb.conn, 'rm -f /etc/apt/sources.list.d/*');
    const r = await runModule(apt_repository, { repo: 'deb [signed-by=/etc/apt/keyrings/local.gpg] file:/srv/no-such-repo ./' }, ctx());
    expect(r.failed).to.equal(true);
    expect(r.msg).to.match(/^Failed to update apt cache: .*the source file was written/);
  });

  it('an invalid line is refused with Ansible\'s message', async () => {
    const r = await runModule(apt_repository, { repo: 'https://pkgs.k8s.io/ /' }, ctx());
    expect(r.msg).to.match(/^Invalid repository string: https:\/\/pkgs.k8s.io\/ \//);
  });

  it('deb822_repository: the seed repository as a .sources file; check, write, ok, removed', async () => {
    await sh(sb.conn, 'rm -f /etc/apt/sources.list.d/*');
    const args = { name: 'Kubernetes v1.29', uris: 'https://pkgs.k8s.io/core:/stable:/v1.29/deb/', suites: '/', signed_by: '/etc/apt/keyrings/kubernetes-apt-keyring.gpg' };
    const file = '/etc/apt/sources.list.d/kubernetes-v129.sources';
    expect(sourcesFilename(args.name)).to.equal('kubernetes-v129.sources');
    const text = 'X-Repolib-Name: Kubernetes v1.29\nTypes: deb\nURIs: https://pkgs.k8s.io/core:/stable:/v1.29/deb/\nSuites: /\nSigned-By: /etc/apt/keyrings/kubernetes-apt-keyring.gpg\n';
    const check = await runModule(deb822_repository, args, ctx({ check: true, diff: true }));
    expect(check).to.deep.include({ changed: true, dest: file, repo: text });
    expect(await ls()).to.equal('');
    const r = await runModule(deb822_repository, args, ctx());
    expect(r.changed).to.equal(true);
    expect(await sh(sb.conn, `cat ${file}; stat -c %a ${file}`)).to.equal(`${text}644\n`);
    expect((await runModule(deb822_repository, args, ctx())).changed).to.equal(false);
    const gone = await runModule(deb822_repository, { name: 'Kubernetes v1.29', state: 'absent' }, ctx());
    expect(gone.changed).to.equal(true);
    expect(await ls()).to.equal('');
  });

  it('deb822_repository: a local repository that apt-get update accepts (Trusted, Signed-By, Enabled)', async () => {
    await sh(sb.conn, 'rm -f /etc/apt/sources.list.d/* /var/lib/apt/lists/*i15-repo*');
    const r = await runModule(deb822_repository, { name: 'i15_local', uris: ['file:/srv/i15-repo'], suites: './', trusted: true, enabled: true, signed_by: '/etc/apt/keyrings/local.gpg' }, ctx());
    expect(r.repo).to.equal('X-Repolib-Name: i15_local\nTypes: deb\nURIs: file:/srv/i15-repo\nSuites: ./\nEnabled: yes\nTrusted: yes\nSigned-By: /etc/apt/keyrings/local.gpg\n');
    await sh(sb.conn, 'apt-get update -q >/dev/null');
    expect(await sh(sb.conn, 'ls /var/lib/apt/lists/ | grep -c i15-repo')).to.not.equal('0\n');
  });

  it('deb822_repository: an inline key becomes continuation lines; a key URL is refused with what to do', async () => {
    const r = await runModule(deb822_repository, { name: 'inline', uris: 'http://x/', suites: 'stable', signed_by: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n-----END PGP PUBLIC KEY BLOCK-----' }, ctx({ check: true }));
    expect(r.repo).to.include('Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n -----END PGP PUBLIC KEY BLOCK-----\n');
    const u = await runModule(deb822_repository, { name: 'k', uris: 'http://x/', suites: 's', signed_by: 'https://pkgs.k8s.io/Release.key' }, ctx());
    expect(u.msg).to.match(/signed_by as a URL is not supported; download the key with get_url/);
  });
});
