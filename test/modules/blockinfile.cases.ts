import type { BlockinfileArgs } from '../../lib/modules/blockinfile.js';

// Content rules of blockinfile: file before, args, file after (checked against ansible-core).

export interface BlockCase {
  name: string;
  before: string | null;
  args: Omit<BlockinfileArgs, 'path'>;
  after: string | null;
  changed: boolean;
}

const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';

export const blockCases: BlockCase[] = [
  { name: 'appends the block with Ansible markers at EOF', before: 'a\n', args: { block: 'x=1\ny=2' }, after: `a\n${B}x=1\ny=2\n${E}`, changed: true },
  { name: 'same block already there: no change (files managed by Ansible stay as they are)', before: `a\n${B}x=1\n${E}z\n`, args: { block: 'x=1' }, after: `a\n${B}x=1\n${E}z\n`, changed: false },
  { name: 'replaces the block between existing markers in place', before: `a\n${B}old\n${E}z\n`, args: { block: 'new' }, after: `a\n${B}new\n${E}z\n`, changed: true },
  { name: 'markers in reverse order are handled', before: `a\n${E}old\n${B}z\n`, args: { block: 'new' }, after: `a\n${B}new\n${E}z\n`, changed: true },
  { name: 'adds a newline before the block when the file lacks one', before: 'a', args: { block: 'x' }, after: `a\n${B}x\n${E}`, changed: true },
  { name: 'insertbefore BOF', before: 'a\n', args: { block: 'x', insertbefore: 'BOF' }, after: `${B}x\n${E}a\n`, changed: true },
  { name: 'insertafter regexp: after the LAST matching line', before: '[s]\n1\n[s]\n2\n', args: { block: 'x', insertafter: '^\\[s\\]' }, after: `[s]\n1\n[s]\n${B}x\n${E}2\n`, changed: true },
  { name: 'insertbefore regexp: before the LAST matching line', before: 'a\n#e\nb\n#e\n', args: { block: 'x', insertbefore: '^#e' }, after: `a\n#e\nb\n${B}x\n${E}#e\n`, changed: true },
  { name: 'insertafter without a match appends at EOF', before: 'a\n', args: { block: 'x', insertafter: '^nomatch' }, after: `a\n${B}x\n${E}`, changed: true },
  { name: 'state absent removes the block and its markers', before: `a\n${B}x\n${E}z\n`, args: { state: 'absent' }, after: 'a\nz\n', changed: true },
  { name: 'an empty block removes the block', before: `a\n${B}x\n${E}`, args: { block: '' }, after: 'a\n', changed: true },
  { name: 'state absent without a block: no change', before: 'a\n', args: { state: 'absent' }, after: 'a\n', changed: false },
  { name: 'state absent on a missing file: no change (Ansible fails unless create is set)', before: null, args: { state: 'absent' }, after: null, changed: false },
  { name: 'custom marker and marker_begin/marker_end', before: 'a\n', args: { block: 'x', marker: '// {mark} app', marker_begin: 'start', marker_end: 'stop' }, after: 'a\n// start app\nx\n// stop app\n', changed: true },
  { name: 'only one marker present: a new block is added, the lone marker stays', before: `a\n${B}b\n`, args: { block: 'x' }, after: `a\n${B}b\n${B}x\n${E}`, changed: true },
  { name: 'create makes the file holding the block', before: null, args: { block: 'x', create: true }, after: `${B}x\n${E}`, changed: true },
];
