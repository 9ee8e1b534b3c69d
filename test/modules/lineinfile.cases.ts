import type { LineinfileArgs } from '../../lib/modules/lineinfile.js';

// Content rules of lineinfile, as pure cases: file before, args, file after. Shared by the
// module test (run through the real module) and kept free of paths so each case reads alone.

export interface LineCase {
  name: string;
  before: string | null;
  args: Omit<LineinfileArgs, 'path'>;
  after: string | null;
  changed: boolean;
}

export const lineCases: LineCase[] = [
  { name: 'appends a missing line at EOF', before: 'a\nb\n', args: { line: 'c' }, after: 'a\nb\nc\n', changed: true },
  { name: 'exact line present: no change', before: 'a\nc\nb\n', args: { line: 'c' }, after: 'a\nc\nb\n', changed: false },
  { name: 'adds a newline before appending to a file without one', before: 'a\nb', args: { line: 'c' }, after: 'a\nb\nc\n', changed: true },
  { name: 'regexp replaces the LAST matching line', before: 'x=1\ny\nx=2\n', args: { regexp: '^x=', line: 'x=9' }, after: 'x=1\ny\nx=9\n', changed: true },
  { name: 'firstmatch replaces the FIRST matching line', before: 'x=1\ny\nx=2\n', args: { regexp: '^x=', line: 'x=9', firstmatch: true }, after: 'x=9\ny\nx=2\n', changed: true },
  { name: 'regexp matching the wanted line already: no change', before: 'x=9\n', args: { regexp: '^x=', line: 'x=9' }, after: 'x=9\n', changed: false },
  { name: 'regexp without a match appends at EOF', before: 'a\n', args: { regexp: '^x=', line: 'x=9' }, after: 'a\nx=9\n', changed: true },
  { name: 'regexp without a match but the exact line present: no change', before: 'x = 9\n', args: { regexp: '^x=', line: 'x = 9' }, after: 'x = 9\n', changed: false },
  { name: 'backrefs expands groups of the match', before: 'port 22\n', args: { regexp: '^port (\\d+)$', line: 'Port \\1', backrefs: true }, after: 'Port 22\n', changed: true },
  { name: 'backrefs with a named group \\g<name> and Python (?P<name>)', before: 'k: v\n', args: { regexp: '^(?P<key>\\w+): (\\w+)$', line: '\\g<key>=\\2', backrefs: true }, after: 'k=v\n', changed: true },
  { name: 'backrefs with no match changes nothing (does not append)', before: 'a\n', args: { regexp: '^port (\\d+)$', line: 'Port \\1', backrefs: true }, after: 'a\n', changed: false },
  { name: 'insertafter regexp: after the LAST matching line', before: '[a]\nk\n[a]\nz\n', args: { line: 'new', insertafter: '^\\[a\\]' }, after: '[a]\nk\n[a]\nnew\nz\n', changed: true },
  { name: 'insertafter with firstmatch: after the FIRST matching line', before: '[a]\nk\n[a]\nz\n', args: { line: 'new', insertafter: '^\\[a\\]', firstmatch: true }, after: '[a]\nnew\nk\n[a]\nz\n', changed: true },
  { name: 'insertafter: line already right after the anchor elsewhere is an exact match: no change', before: '[a]\nnew\nz\n', args: { line: 'new', insertafter: '^\\[a\\]' }, after: '[a]\nnew\nz\n', changed: false },
  { name: 'insertafter anchor on a last line without newline: the line goes on its own line (Ansible glues it on)', before: 'a\n[s]', args: { line: 'new', insertafter: '^\\[s\\]' }, after: 'a\n[s]\nnew\n', changed: true },
  { name: 'insertafter without a match appends at EOF', before: 'a\n', args: { line: 'new', insertafter: '^nomatch' }, after: 'a\nnew\n', changed: true },
  { name: 'insertbefore regexp: before the LAST matching line', before: 'a\n#end\nb\n#end\n', args: { line: 'new', insertbefore: '^#end' }, after: 'a\n#end\nb\nnew\n#end\n', changed: true },
  { name: 'insertbefore with firstmatch', before: 'a\n#end\nb\n#end\n', args: { line: 'new', insertbefore: '^#end', firstmatch: true }, after: 'a\nnew\n#end\nb\n#end\n', changed: true },
  { name: 'insertbefore BOF', before: 'a\nb\n', args: { line: '# top', insertbefore: 'BOF' }, after: '# top\na\nb\n', changed: true },
  { name: 'insertafter EOF explicit', before: 'a\n', args: { line: 'z', insertafter: 'EOF' }, after: 'a\nz\n', changed: true },
  { name: 'insertbefore without a match appends at EOF', before: 'a\n', args: { line: 'new', insertbefore: '^nomatch' }, after: 'a\nnew\n', changed: true },
  { name: 'regexp match wins over insertafter', before: 'x=1\n[s]\n', args: { regexp: '^x=', line: 'x=2', insertafter: '^\\[s\\]' }, after: 'x=2\n[s]\n', changed: true },
  { name: 'search_string replaces the last line containing it', before: 'foo bar\nbaz\n', args: { search_string: 'bar', line: 'replaced' }, after: 'replaced\nbaz\n', changed: true },
  { name: 'Python inline flag (?i) makes the regexp case-insensitive', before: 'PORT=1\n', args: { regexp: '(?i)^port=', line: 'port=2' }, after: 'port=2\n', changed: true },
  { name: 'absent by line removes every equal line', before: 'a\nb\na\n', args: { line: 'a', state: 'absent' }, after: 'b\n', changed: true },
  { name: 'absent by regexp removes every matching line', before: 'x=1\ny\nx=2\n', args: { regexp: '^x=', state: 'absent' }, after: 'y\n', changed: true },
  { name: 'absent with no match: no change', before: 'y\n', args: { regexp: '^x=', state: 'absent' }, after: 'y\n', changed: false },
  { name: 'absent on a missing file: no change', before: null, args: { line: 'a', state: 'absent' }, after: null, changed: false },
  { name: 'create makes a missing file holding the line', before: null, args: { line: 'a', create: true }, after: 'a\n', changed: true },
  { name: 'CRLF file: an equal line is left as is (Ansible rewrites it to LF)', before: 'a\r\nb\r\n', args: { line: 'b' }, after: 'a\r\nb\r\n', changed: false },
];
