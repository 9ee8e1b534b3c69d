// planAttrs: what mode/owner/group changes a file module reports (the diff and --check show
// them) and the chmod/chown lines it runs. Ids given as numbers compare with uid/gid, names with
// owner/group, as Ansible's file module compares them.
import { expect } from 'chai';
import { planAttrs } from '../../lib/modules/common/attrs.js';
import type { PathState } from '../../lib/modules/common/probe.js';

const file: PathState = { path: '/etc/app.conf', exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root' };
const dir: PathState = { path: '/srv/d', exists: true, type: 'directory', mode: '0755', uid: 0, gid: 0, owner: 'root', group: 'root' };
const absent: PathState = { path: '/etc/new.conf', exists: false };

describe('planning mode, owner and group', () => {
  const rows: Array<[string, PathState, Parameters<typeof planAttrs>[2], Parameters<typeof planAttrs>[3], ReturnType<typeof planAttrs>]> = [
    ['nothing asked', file, {}, { isDir: false }, { mode: undefined, changes: {}, script: [] }],
    ['the same mode, owner and group (by name)', file, { mode: '0644', owner: 'root', group: 'root' }, { isDir: false }, { mode: '0644', changes: {}, script: [] }],
    ['the same owner and group by id', file, { owner: '0', group: '0' }, { isDir: false }, { mode: undefined, changes: {}, script: [] }],
    ['a numeric id that is not theirs', file, { owner: '1000' }, { isDir: false },
      { mode: undefined, changes: { owner: { before: 'root', after: '1000' } }, script: ["chown 1000 -- /etc/app.conf"] }],
    ['a name equal to the uid as text is a name', { ...file, owner: 'svc', uid: 7 }, { owner: 'svc' }, { isDir: false }, { mode: undefined, changes: {}, script: [] }],
    ['a new mode', file, { mode: '0600' }, { isDir: false },
      { mode: '0600', changes: { mode: { before: '0644', after: '0600' } }, script: ["chmod 0600 -- /etc/app.conf"] }],
    ['a symbolic mode resolved against the current one', file, { mode: 'g+w' }, { isDir: false },
      { mode: '0664', changes: { mode: { before: '0644', after: '0664' } }, script: ["chmod 0664 -- /etc/app.conf"] }],
    ['owner and group together', file, { owner: 'nobody', group: 'nogroup' }, { isDir: false },
      { mode: undefined, changes: { owner: { before: 'root', after: 'nobody' }, group: { before: 'root', after: 'nogroup' } }, script: ["chown nobody:nogroup -- /etc/app.conf"] }],
    ['only the group', file, { owner: 'root', group: 'adm' }, { isDir: false },
      { mode: undefined, changes: { group: { before: 'root', after: 'adm' } }, script: ["chown :adm -- /etc/app.conf"] }],
    ['recurse with an octal mode', dir, { mode: '0750', owner: 'nobody' }, { isDir: true, recurse: true },
      { mode: '0750', changes: { mode: { before: '0755', after: '0750' }, owner: { before: 'root', after: 'nobody' } }, script: ["chmod -R 0750 -- /srv/d", "chown -R nobody -- /srv/d"] }],
    ['recurse with a symbolic mode: chmod applies it per file', dir, { mode: ' u+X,o-rx ' }, { isDir: true, recurse: true },
      { mode: '0750', changes: { mode: { before: '0755', after: '0750' } }, script: ['chmod -R u+X,o-rx -- /srv/d'] }],
    ['a file about to be created: changes from nothing, no script', absent, { mode: 'u=rw', owner: 'root', group: '0' }, { isDir: false },
      { mode: '0644', changes: { mode: { before: undefined, after: '0644' }, owner: { before: undefined, after: 'root' }, group: { before: undefined, after: '0' } }, script: [] }],
    ['a new file with the caller\'s default mode', absent, { mode: 'g+w' }, { isDir: false, defaultMode: 0o600 },
      { mode: '0620', changes: { mode: { before: undefined, after: '0620' } }, script: [] }],
    ['a new directory starts from 0755', { path: '/srv/new', exists: false }, { mode: 'o-rx' }, { isDir: true },
      { mode: '0750', changes: { mode: { before: undefined, after: '0750' } }, script: [] }],
    ['a state without a mode starts from the default', { ...file, mode: undefined }, { mode: 'o-r' }, { isDir: false },
      { mode: '0640', changes: { mode: { before: undefined, after: '0640' } }, script: ["chmod 0640 -- /etc/app.conf"] }],
  ];
  for (const [name, st, want, opts, plan] of rows) {
    it(name, () => expect(planAttrs(st.path, st, want, opts)).to.deep.equal(plan));
  }

  it('no state at all is a file about to be created', () => {
    expect(planAttrs('/x', undefined, { mode: '0600', owner: 'root' }, { isDir: false })).to.deep.equal({
      mode: '0600',
      changes: { mode: { before: undefined, after: '0600' }, owner: { before: undefined, after: 'root' } },
      script: [],
    });
  });
});
