// Host ranges in inventory names (h[01:10:3], h[a:e], several per name) as Ansible's
// expand_hostname_range expands them. A string in place of a list is the LineProblem tsplay
// raises; the last test proves the table with ansible-core's own function: the same hosts, an
// error wherever tsplay errs, except the two empty ranges README lists (Ansible makes no hosts).
import { expect } from 'chai';
import { ANSIBLE_PYTHON, pythonJson } from '../helpers/python.js';
import { expandHostnameRange } from '../../lib/inventory/ranges.js';

const TABLE: Array<[string, string[] | string]> = [
  ["h[1:3]", ["h1","h2","h3"]],
  ["h[a:c]", ["ha","hb","hc"]],
  ["h[01:10:3]", ["h01","h04","h07","h10"]],
  ["h[1:3]-[a:b]", ["h1-a","h1-b","h2-a","h2-b","h3-a","h3-b"]],
  ["h[3:1]", "host range [3:1] is empty: begin 3 is greater than end 1"],
  ["h[c:a]", "host range [c:a] must have begin <= end"],
  ["h[1:3:0]", "host range [1:3:0] has a step of 0"],
  ["h[1:3:-1]", []],
  ["h[a:e:2]", ["ha","hc","he"]],
  ["h[A:C]", ["hA","hB","hC"]],
  ["h[a:C]", ["ha","hb","hc","hd","he","hf","hg","hh","hi","hj","hk","hl","hm","hn","ho","hp","hq","hr","hs","ht","hu","hv","hw","hx","hy","hz","hA","hB","hC"]],
  ["h[0:0]", ["h0"]],
  ["h[08:11]", ["h08","h09","h10","h11"]],
  ["h[8:011]", ["h8","h9","h10","h11"]],
  ["h[01:5]", "host range [01:5] has begin and end of different widths (01 has 2 characters, 5 has 1)"],
  ["h[1_0:1_2]", ["h10","h11","h12"]],
  ["h[ 1: 3]", ["h1","h2","h3"]],
  ["h[1:+3]", ["h1","h2","h3"]],
  ["h[x1:3]", "range begin 'x1' is not a number or a single letter"],
  ["h[1:3:2]x", ["h1x","h3x"]],
  ["h[a:z:12]", ["ha","hm","hy"]],
  ["[1:2]h", ["1h","2h"]],
  ["h[1:2].[3:4].example", ["h1.3.example","h1.4.example","h2.3.example","h2.4.example"]],
  ["h[01:03]", ["h01","h02","h03"]],
  ["h[1:2", "host range in 'h[1:2' is not closed or has extra brackets"],
  ["h1:2]", "host range in 'h1:2]' is not closed or has extra brackets"],
  ["h[1]", "host range [1] must be begin:end or begin:end:step"],
  ["h[a]", "host range [a] must be begin:end or begin:end:step"],
  ["h[1:2:3:4]", "host range [1:2:3:4] must be begin:end or begin:end:step"],
  ["h[-1:2]", ["h-1","h0","h1","h2"]],
  ["h[1:-2]", "host range [1:-2] is empty: begin 1 is greater than end -2"],
  ["h[z:a]", "host range [z:a] must have begin <= end"],
  ["h[a:c:-1]", []],
  ["h[0:3:4]", ["h0"]],
  ["h[:3]", ["h0","h1","h2","h3"]],
  ["h[1:]", "host range [1:] has no end value"],
  ["h[[1:2]]", "range begin '[1' is not a number or a single letter"],
  ["h[1:3]x[4:5]y", ["h1x4y","h1x5y","h2x4y","h2x5y","h3x4y","h3x5y"]],
  ["h[a:b:1]", ["ha","hb"]],
  ["h[9:10]", ["h9","h10"]],
  ["h[009:010]", ["h009","h010"]],
  ["h[1:10:20]", ["h1"]],
  ["h[1:1]", ["h1"]],
];
// refused by tsplay, an empty host list in Ansible (README, "Where tsplay differs")
const EMPTY_IN_ANSIBLE = new Set(['h[3:1]', 'h[1:-2]']);

describe('host ranges as expand_hostname_range expands them', () => {
  for (const [entry, want] of TABLE) {
    it(`${entry} → ${typeof want === 'string' ? want : want.join(' ').slice(0, 60)}`, () => {
      if (typeof want === 'string') expect(() => expandHostnameRange(entry)).to.throw(want);
      else expect(expandHostnameRange(entry)).to.deep.equal(want);
    });
  }

  it("the table is what ansible-core's expand_hostname_range gives", () => {
    const py = 'import json,sys\nfrom ansible.plugins.inventory import expand_hostname_range as e\nout=[]\nfor s in json.load(sys.stdin):\n  try: out.append(e(s))\n  except Exception: out.append("error")\nprint(json.dumps(out))';
    const theirs = pythonJson<Array<string[] | 'error'>>(['-c', py], TABLE.map(([s]) => s), ANSIBLE_PYTHON);
    expect(theirs).to.deep.equal(TABLE.map(([s, want]) => (EMPTY_IN_ANSIBLE.has(s) ? [] : typeof want === 'string' ? 'error' : want)));
  });
});
