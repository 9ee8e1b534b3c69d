// Tag selection (--tags / --skip-tags against a task's tags) over every combination of the
// special tags (always, never, tagged, untagged, all) and ordinary ones, compared with what
// ansible-core 2.14's own Taggable.evaluate_tags answers for the same combination.
import { expect } from 'chai';
import { ANSIBLE_PYTHON, pythonJson } from '../helpers/python.js';
import { shouldRun } from '../../lib/executor/tags.js';

const TASK_TAGS = [[], ['a'], ['b'], ['a', 'b'], ['always'], ['never'], ['always', 'a'], ['never', 'a'], ['never', 'always'], ['all'], ['tagged']];
const ONLY = [[], ['a'], ['b'], ['a', 'b'], ['always'], ['never'], ['tagged'], ['untagged'], ['all'], ['all', 'never'], ['a', 'untagged']];
const SKIP = [[], ['a'], ['always'], ['never'], ['tagged'], ['untagged'], ['all'], ['a', 'always']];

const PY = `
import json, sys
from ansible.playbook.task import Task
out = []
for tags, only, skip in json.load(sys.stdin):
    t = Task()
    t.tags = tags
    # ansible-playbook gives ['all'] when --tags is not used
    out.append(bool(t.evaluate_tags(only_tags=only or ['all'], skip_tags=skip, all_vars={})))
print(json.dumps(out))
`;

describe('tag selection against ansible-core 2.14', () => {
  it(`agrees with Taggable.evaluate_tags on all ${TASK_TAGS.length * ONLY.length * SKIP.length} combinations`, () => {
    const combos = TASK_TAGS.flatMap((t) => ONLY.flatMap((o) => SKIP.map((s) => [t, o, s] as const)));
    const theirs = pythonJson<boolean[]>(['-c', PY], combos, ANSIBLE_PYTHON);
    const differ = combos
      .map(([t, o, s], k) => ({ task: t, tags: o, skip: s, ansible: theirs[k], tsplay: shouldRun(t, { tags: [...o], skipTags: [...s] }) }))
      .filter((r) => r.ansible !== r.tsplay);
    expect(differ).to.deep.equal([]);
    // the table is not one-sided: both answers occur often
    expect(theirs.filter(Boolean).length).to.be.within(200, combos.length - 200);
  });
});
