// Which files of a group_vars/NAME/ directory are read, and in which order, as Ansible's
// DataLoader._get_dir_vars_files picks them: names sorted by code point, hidden files and editor
// backups (`~`) skipped, subdirectories without an extension read in place, files read only with
// no extension or .yml/.yaml/.json. The expected values are what `ansible-inventory --host h1`
// (ansible-core 2.14) printed for the same tree.
import { expect } from 'chai';
import { hostVars, loadInventory } from '../../lib/inventory/index.js';
import { findVarsFiles } from '../../lib/inventory/vardirs.js';
import { scratch } from './helpers.js';

describe('inventory: files of a group_vars/ directory', () => {
  const s = scratch();
  after(() => s.cleanup());
  const inv = s.write('hosts.ini', 'h1\n');
  const files: Record<string, string> = {
    'a.yml': 'order: a\nfrom_a: 1\n',
    'B.yml': 'order: B\nfrom_upper: 1\n', // code point order: B before a
    'c.yaml': 'order: c\n',
    'd.json': '{"order": "d"}\n',
    e: 'order: e\n', // no extension: read
    'sub/z.yml': 'order: sub\nfrom_sub: 1\n', // a subdirectory is read where its name sorts
    'x.d/inner.yml': 'order: x.d\nfrom_xd: 1\n', // a directory with an extension is not
    '.hidden.yml': 'order: hidden\nfrom_hidden: 1\n',
    'f.yml~': 'order: backup\nfrom_backup: 1\n', // skipped twice over: a backup, and .yml~ is no extension read
    'g~': 'order: backup\nfrom_backup: 1\n', // skipped only as a backup (no extension)
    'notes.txt': 'order: txt\nfrom_txt: 1\n',
  };
  for (const [name, text] of Object.entries(files)) s.write(`group_vars/all/${name}`, text);
  const groupVars = `${s.dir}/group_vars`;

  it('lists the files Ansible reads, in its order', async () => {
    const found = await findVarsFiles(groupVars, 'all');
    expect(found.map((f) => f.slice(s.dir.length + 1))).to.deep.equal([
      'group_vars/all/B.yml',
      'group_vars/all/a.yml',
      'group_vars/all/c.yaml',
      'group_vars/all/d.json',
      'group_vars/all/e',
      'group_vars/all/sub/z.yml',
    ]);
  });

  it('merges them in that order: the last file read wins', async () => {
    const vars = hostVars(await loadInventory([inv]), 'h1');
    expect(vars).to.deep.include({ order: 'sub', from_a: 1, from_upper: 1, from_sub: 1 });
    for (const never of ['from_xd', 'from_hidden', 'from_backup', 'from_txt']) expect(vars).to.not.have.property(never);
  });

  it('a name that is a file wins over the directory forms, and none found is no files', async () => {
    s.write('group_vars/web', 'x: 1\n');
    s.write('group_vars/web.yml', 'x: 2\n');
    expect(await findVarsFiles(groupVars, 'web')).to.deep.equal([`${groupVars}/web`]);
    expect(await findVarsFiles(groupVars, 'nothere')).to.deep.equal([]);
  });
});
