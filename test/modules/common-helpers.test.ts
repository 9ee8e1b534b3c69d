// The helpers the file modules share: Python regular expressions (lineinfile, replace,
// blockinfile take them as Ansible users write them), stdout_lines, diff entries and modes.
import { expect } from 'chai';
import { pythonJson } from '../helpers/python.js';
import { compilePyRegex, expandMatch } from '../../lib/modules/common/regex.js';
import { diffText, fileDiffs, sha1, splitLines } from '../../lib/modules/common/result.js';

// [pattern, text, template, what re.search(pattern, text).expand(template) gives; null: no match]
const REGEX: Array<[string, string, string, string | null]> = [
  ["(?i)abc", "xABCx", "<\\g<0>>", "<ABC>"],
  ["(?m)^b", "a\nb", "[\\g<0>]", "[b]"],
  ["(?s)a.b", "a\nb", "ok", "ok"],
  ["(?ims)^A.B", "x\na\nb", "\\g<0>", "a\nb"],
  ["(?P<n>\\d+)-(?P=n)", "12-12 3-4", "\\g<n>", "12"],
  ["\\Aab", "abab", "X", "X"],
  ["b\\Z", "abab", "\\g<0>!", "b!"],
  ["(\\w+) (\\w+)", "hello world", "\\2 \\1", "world hello"],
  ["(\\w+) (\\w+)", "hello world", "\\g<2>-\\g<1>", "world-hello"],
  ["(?P<first>\\w+)", "hi", "\\g<first>\\n\\t\\\\", "hi\n\t\\"],
  ["(a)|(b)", "b", "[\\1][\\2]", "[][b]"],
  ["x", "axb", "\\&", "\\&"],
  ["(x)", "x", "\\1\\1\\g<1>", "xxx"],
  ["((((((((((a))))))))))", "a", "\\10", "a"],
  ["a", "b", "no match", null],
  ["(?i)(?P<v>K8S)", "k8s", "\\g<v>", "k8s"],
  ["\\d", "a1", "\\r", "\r"],
];

describe('Python regular expressions in module arguments', () => {
  for (const [pattern, text, template, want] of REGEX) {
    it(`${JSON.stringify(pattern)} on ${JSON.stringify(text)} expands ${JSON.stringify(template)}`, () => {
      const m = compilePyRegex(pattern, 'regexp').exec(text);
      expect(m ? expandMatch(template, m) : null).to.equal(want);
    });
  }

  it("the table is what Python's re gives", () => {
    const py = 'import json,re,sys\nout=[]\nfor p,s,r in json.load(sys.stdin):\n  m=re.search(p,s)\n  out.append(None if m is None else m.expand(r))\nprint(json.dumps(out))';
    expect(pythonJson(['-c', py], REGEX.map(([p, s, r]) => [p, s, r]))).to.deep.equal(REGEX.map(([, , , want]) => want));
  });

  it('an invalid expression names the argument, the expression and what is wrong', () => {
    expect(() => compilePyRegex('(', 'regexp')).to.throw("regexp: invalid regular expression '(': /(/: Unterminated group");
    expect(() => compilePyRegex('[b-a]', 'search_string')).to.throw("search_string: invalid regular expression '[b-a]': /[b-a]/: Range out of order in character class");
  });

  it('only the inline flags JavaScript has are kept, each once', () => {
    expect(compilePyRegex('(?iimsx)a', 'r').flags).to.equal('ims');
    expect(compilePyRegex('(?a)a', 'r').flags).to.equal('');
    // not leading: Python 3.11 refuses it too ("global flags not at the start")
    expect(() => compilePyRegex('a(?i)', 'r')).to.throw("r: invalid regular expression 'a(?i)'");
  });
});

describe('stdout_lines, diff entries and binary content', () => {
  it('splits lines as Ansible does: no trailing empty line, CRLF too', () => {
    expect(splitLines('')).to.deep.equal([]);
    expect(splitLines('a')).to.deep.equal(['a']);
    expect(splitLines('a\n')).to.deep.equal(['a']);
    expect(splitLines('a\r\nb\r\n')).to.deep.equal(['a', 'b']);
    expect(splitLines('a\n\nb\n\n')).to.deep.equal(['a', '', 'b', '']);
    expect(splitLines('\n')).to.deep.equal(['']);
  });

  it('gives a content entry only when the content changes, an attribute entry only when attributes do', () => {
    const attrs = { mode: { before: '0644', after: '0600' } };
    expect(fileDiffs('/f', { before: 'a', after: 'b' }, {})).to.deep.equal([{ path: '/f', before: 'a', after: 'b' }]);
    expect(fileDiffs('/f', { before: 'a', after: 'a' }, {})).to.deep.equal([]);
    expect(fileDiffs('/f', undefined, attrs)).to.deep.equal([{ path: '/f', attrs }]);
    expect(fileDiffs('/f', { before: '', after: 'x' }, attrs)).to.deep.equal([{ path: '/f', before: '', after: 'x' }, { path: '/f', attrs }]);
  });

  it('shows binary content as its size and sha1, text as itself, nothing as empty', () => {
    const bin = Buffer.from([1, 0, 2]);
    expect(diffText(bin)).to.equal(`[binary content, 3 bytes, sha1 ${sha1(bin)}]\n`);
    expect(sha1(bin)).to.equal('fa010d2664cc5b3b82ee488fe2b9f50f4932eb8f'); // sha1sum of the same bytes
    expect(diffText(Buffer.from('héllo\n'))).to.equal('héllo\n');
    expect(diffText(undefined)).to.equal('');
  });
});
