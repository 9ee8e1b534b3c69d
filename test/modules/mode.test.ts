import { expect } from 'chai';
import { formatMode, resolveMode } from '../../lib/modules/common/mode.js';

// Mode strings as users write them, resolved like chmod(1) would.

const rows: { spec: string; current: number; dir?: boolean; want: string }[] = [
  { spec: '0644', current: 0o600, want: '0644' },
  { spec: '644', current: 0o600, want: '0644' },
  { spec: '1777', current: 0o755, dir: true, want: '1777' },
  { spec: '04755', current: 0o644, want: '4755' },
  { spec: 'u=rw,g=r,o=r', current: 0o777, want: '0644' },
  { spec: 'u=rwx,go=rx', current: 0, want: '0755' },
  { spec: 'a+x', current: 0o644, want: '0755' },
  { spec: '+x', current: 0o600, want: '0711' },
  { spec: 'go-w', current: 0o666, want: '0644' },
  { spec: 'o=', current: 0o777, want: '0770' },
  { spec: 'u+X', current: 0o644, want: '0644' },
  { spec: 'u+X', current: 0o644, dir: true, want: '0744' },
  { spec: 'a+X', current: 0o744, want: '0755' },
  { spec: 'g=u', current: 0o640, want: '0660' },
  { spec: 'u+s,g+s', current: 0o755, want: '6755' },
  { spec: '+t', current: 0o777, dir: true, want: '1777' },
  { spec: 'u=rw-x+r', current: 0o700, want: '0600' },
  { spec: '7777', current: 0, want: '7777' }, // the largest mode
  { spec: ' 0640 ', current: 0, want: '0640' }, // spaces around an octal mode
  { spec: '00644', current: 0, want: '0644' },
];

describe('mode resolution', () => {
  for (const r of rows) {
    it(`${r.spec} on ${formatMode(r.current)}${r.dir ? ' (dir)' : ''} -> ${r.want}`, () => {
      expect(formatMode(resolveMode(r.spec, r.current, r.dir ?? false, '/p'))).to.equal(r.want);
    });
  }
  for (const bad of ['0999', 'rw', 'u=rwz', 'x+r', '77777', '10000', 'u+r,', '', '0o644']) {
    it(`rejects '${bad}' naming the path and the accepted forms`, () => {
      expect(() => resolveMode(bad, 0o644, false, '/etc/f')).to.throw(`/etc/f: invalid mode '${bad}': use an octal string such as '0644' or symbolic clauses such as 'u=rw,g=r,o=r'`);
    });
  }
});
