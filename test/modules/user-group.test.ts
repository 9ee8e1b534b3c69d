import { expect } from 'chai';
import { validateArgs } from '../../lib/executor/validate.js';
import { user } from '../../lib/modules/user.js';
import { group } from '../../lib/modules/group.js';
import { runModule, sh, startSandbox, testContext, type Sandbox } from '../helpers/sandbox.js';

// user and group against the real shadow tools in a namespaced sandbox: its overlay gives it its
// own /etc/passwd, /etc/group, /etc/shadow and /home, so nothing here touches this machine's
// accounts. Expected results are what ansible-core 2.14 printed for the same args in such a
// sandbox; one test runs both side by side.

describe('user and group modules (shadow tools in a namespaced sandbox)', function () {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox('i15-users');
  });
  after(async () => sb?.stop());
  const ctx = (o: { check?: boolean; diff?: boolean } = {}) => testContext(sb.conn, o);
  const id = async (n: string) => (await sb.conn.exec(`id -- ${n}`)).stdout.trim();

  it('creates a user with groups as Ansible does; check mode first changes nothing; the rerun is ok', async () => {
    const args = { name: 'kube', groups: ['sudo', 'adm'] };
    const check = await runModule(user, args, ctx({ check: true, diff: true }));
    expect(check.changed).to.equal(true);
    expect(check.diff?.[0]).to.deep.equal({ path: 'user:kube', attrs: { state: { before: 'absent', after: 'present' } } });
    expect(await id('kube')).to.equal('');

    const first = await runModule(user, args, ctx());
    expect(first).to.deep.include({ changed: true, comment: '', create_home: true, groups: 'sudo,adm', home: '/home/kube', name: 'kube', shell: '/bin/sh', state: 'present', system: false });
    expect(first.uid).to.be.a('number');
    expect(await id('kube')).to.match(/groups=\d+\(kube\),4\(adm\),27\(sudo\)$/);
    expect(await sh(sb.conn, 'stat -c %U:%a /home/kube /home/kube/.bashrc')).to.equal('kube:755\nkube:644\n');

    const again = await runModule(user, args, ctx());
    expect(again).to.deep.include({ changed: false, append: false, move_home: false, groups: 'sudo,adm', uid: first.uid, group: first.group });
  });

  it('append adds a group and keeps the others; shell and comment change with usermod', async () => {
    const r = await runModule(user, { name: 'kube', groups: 'users', append: true, shell: '/bin/bash', comment: 'Kube Admin' }, ctx({ diff: true }));
    expect(r).to.deep.include({ changed: true, append: true, groups: 'users', shell: '/bin/bash', comment: 'Kube Admin' });
    expect(r.diff?.[0].attrs).to.deep.include({ shell: { before: '/bin/sh', after: '/bin/bash' } });
    expect(await id('kube')).to.match(/4\(adm\),27\(sudo\),100\(users\)$/);
    expect((await runModule(user, { name: 'kube', groups: 'users', append: true }, ctx())).changed).to.equal(false);
  });

  it('groups without append is the exact set; groups: [] empties it', async () => {
    expect((await runModule(user, { name: 'kube', groups: ['adm'] }, ctx())).changed).to.equal(true);
    expect(await id('kube')).to.match(/groups=\d+\(kube\),4\(adm\)$/);
    expect((await runModule(user, { name: 'kube', groups: [] }, ctx())).changed).to.equal(true);
    expect(await id('kube')).to.match(/groups=\d+\(kube\)$/);
    expect((await runModule(user, { name: 'kube', groups: [] }, ctx())).changed).to.equal(false);
  });

  it('check mode of a change reports it and keeps the account', async () => {
    const before = await sh(sb.conn, 'getent passwd kube');
    const r = await runModule(user, { name: 'kube', uid: 4321, home: '/srv/kube' }, ctx({ check: true }));
    expect(r.changed).to.equal(true);
    expect(await sh(sb.conn, 'getent passwd kube')).to.equal(before);
  });

  it('a changed uid and a new home with move_home', async () => {
    const r = await runModule(user, { name: 'kube', uid: 4321, home: '/srv/kube', move_home: true }, ctx());
    expect(r).to.deep.include({ changed: true, uid: 4321, home: '/srv/kube', move_home: true });
    expect(await sh(sb.conn, 'stat -c %u /srv/kube; test -e /home/kube || echo gone')).to.equal('4321\ngone\n');
  });

  it('a missing home directory of an existing account is made again', async () => {
    await sh(sb.conn, 'rm -rf /srv/kube');
    const r = await runModule(user, { name: 'kube' }, ctx());
    expect(r.changed).to.equal(true);
    expect(await sh(sb.conn, 'stat -c %U /srv/kube')).to.equal('kube\n');
    expect((await runModule(user, { name: 'kube' }, ctx())).changed).to.equal(false);
  });

  it('a crypted password is set once and never shown', async () => {
    const hash = '$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g.';
    const r = await runModule(user, { name: 'kube', password: hash }, ctx());
    expect(r).to.deep.include({ changed: true, password: 'NOT_LOGGING_PASSWORD' });
    expect(JSON.stringify(r)).to.not.include('$6$');
    expect(await sh(sb.conn, 'getent shadow kube | cut -d: -f2')).to.equal(`${hash}\n`);
    expect((await runModule(user, { name: 'kube', password: hash }, ctx())).changed).to.equal(false);
    expect((await runModule(user, { name: 'kube', password: 'other', update_password: 'on_create' }, ctx())).changed).to.equal(false);
  });

  it('a primary group that does not exist fails with Ansible\'s message and what to do', async () => {
    const r = await runModule(user, { name: 'kube2', group: 'nosuchgroup' }, ctx());
    expect(r.failed).to.equal(true);
    expect(r.msg).to.match(/^Group nosuchgroup does not exist \(user kube2\); create it first/);
    expect(await id('kube2')).to.equal('');
  });

  it('group: made with a gid as a system group, a gid change under check and for real, then removed', async () => {
    const made = await runModule(group, { name: 'etcdgrp', gid: 2001, system: true }, ctx());
    expect(made).to.deep.include({ changed: true, gid: 2001, name: 'etcdgrp', state: 'present', system: true });
    expect((await runModule(group, { name: 'etcdgrp', gid: 2001 }, ctx())).changed).to.equal(false);
    const check = await runModule(group, { name: 'etcdgrp', gid: 2002 }, ctx({ check: true }));
    expect(check).to.deep.include({ changed: true, gid: 2001, system: false });
    expect(await sh(sb.conn, 'getent group etcdgrp | cut -d: -f3')).to.equal('2001\n');
    expect(await runModule(group, { name: 'etcdgrp', gid: 2002 }, ctx())).to.deep.include({ changed: true, gid: 2002 });
    const gone = await runModule(group, { name: 'etcdgrp', state: 'absent' }, ctx());
    expect(gone).to.deep.include({ changed: true, state: 'absent' });
    expect(await sh(sb.conn, 'getent group etcdgrp || echo none')).to.equal('none\n');
    expect((await runModule(group, { name: 'etcdgrp', state: 'absent' }, ctx())).changed).to.equal(false);
  });

  it('a primary group of a user cannot be removed: groupdel\'s reason', async () => {
    await runModule(group, { name: 'svc', gid: 2100 }, ctx());
    await runModule(user, { name: 'svcuser', group: 'svc', create_home: false, system: true }, ctx());
    const r = await runModule(group, { name: 'svc', state: 'absent' }, ctx());
    expect(r.failed).to.equal(true);
    expect(r.msg).to.match(/groupdel failed: groupdel: cannot remove the primary group of user 'svcuser'/);
  });

  it('state absent with remove deletes the account and its home', async () => {
    const check = await runModule(user, { name: 'kube', state: 'absent', remove: true }, ctx({ check: true }));
    expect(check.changed).to.equal(true);
    const r = await runModule(user, { name: 'kube', state: 'absent', remove: true }, ctx());
    expect(r).to.deep.include({ changed: true, force: false, remove: true, state: 'absent' });
    expect(await id('kube')).to.equal('');
    expect(await sh(sb.conn, 'test -e /srv/kube || echo gone')).to.equal('gone\n');
    expect((await runModule(user, { name: 'kube', state: 'absent' }, ctx())).changed).to.equal(false);
  });

  it('gives the same result as ansible-core 2.14 for a new user with groups, comment and shell', async function () {
    this.timeout(120000);
    const a = 'groups=adm comment=Ops shell=/bin/bash';
    const out = await sh(sb.conn, `ANSIBLE_NOCOLOR=1 ANSIBLE_LOAD_CALLBACK_PLUGINS=1 ANSIBLE_STDOUT_CALLBACK=json ansible localhost -c local -m user -a 'name=ansuser ${a}' 2>/dev/null`);
    const ans = JSON.parse(out).plays[0].tasks[0].hosts.localhost as Record<string, unknown>;
    const ours = (await runModule(user, { name: 'tspuser', groups: 'adm', comment: 'Ops', shell: '/bin/bash' }, ctx())) as Record<string, unknown>;
    const strip = (r: Record<string, unknown>) => {
      const { uid: _u, group: _g, name: _n, home, invocation: _i, _ansible_no_log: _x, action: _a, ...rest } = r;
      return { ...rest, home: String(home).replace(/(ans|tsp)user/, 'X') };
    };
    expect(strip(ours)).to.deep.equal(strip(ans));
  });

  it('a comma-separated groups string with a dashed name is refused before anything runs', async () => {
    const r = await runModule(user, { name: 'kube3', groups: 'adm,-G' }, ctx());
    expect(r.msg).to.match(/groups: '-G' is not a group name/);
    expect(await id('kube3')).to.equal('');
  });

  for (const name of ['-o', '--badname', 'a:b', 'a b']) {
    it(`refuses the account name ${JSON.stringify(name)} before anything runs`, () => {
      expect(validateArgs(user.def as never, { name }).join('\n')).to.match(/argument 'name' must be an account name/);
      expect(validateArgs(group.def as never, { name }).join('\n')).to.match(/argument 'name' must be an account name/);
    });
  }
});
