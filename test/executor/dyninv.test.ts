import { expect } from 'chai';
import type { TaskBuilder } from '../../lib/index.js';
import { localRun, runPlays } from '../helpers/run.js';
import { probe } from '../helpers/probe.js';

// The run's inventory as group_by and add_host change it (dyninv.ts): each call says whether it
// changed anything (the module's `changed`), and later tasks see the new groups and group_names.

describe('dynamic inventory: group_by and add_host', () => {
  let cleanup: () => void;
  let inv: string;
  beforeEach(() => {
    ({ inv, cleanup } = localRun(['h1', 'h2'], '[old]\nh2\n'));
  });
  afterEach(() => cleanup());

  it('group: true when a group, a parent link or the host was added; false when all were there', async () => {
    const changes: [string, boolean][] = [];
    const p = probe();
    const seen = probe();
    p.answer = (_a, ctx) => {
      const inv = ctx.inventory!;
      changes.push(['new group', inv.group('h1', 'g', [])]);
      changes.push(['again', inv.group('h1', 'g', [])]);
      changes.push(['new parent', inv.group('h1', 'g', ['parent'])]);
      changes.push(['parent again', inv.group('h1', 'g', ['parent'])]);
      changes.push(['itself as parent', inv.group('h1', 'g', ['g'])]);
      // parent is above g: making g its parent would be a loop; only the host is added
      changes.push(['loop refused', inv.group('h1', 'parent', ['g'])]);
      changes.push(['loop again', inv.group('h1', 'parent', ['g'])]);
      changes.push(['existing parent, new link', inv.group('h1', 'g', ['old'])]);
      return { changed: false };
    };
    await runPlays(inv, [
      {
        hosts: 'h1',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('change', p.module({}));
          t.task('see', seen.module({ names: '{{ group_names }}', g: '{{ groups.g }}', parent: '{{ groups.parent }}', old: '{{ groups.old }}' }));
        },
      },
    ]);
    expect(changes).to.deep.equal([
      ['new group', true],
      ['again', false],
      ['new parent', true],
      ['parent again', false],
      ['itself as parent', false],
      ['loop refused', true],
      ['loop again', false],
      ['existing parent, new link', true],
    ]);
    expect(seen.calls[0].args).to.deep.equal({ names: ['g', 'old', 'parent'], g: ['h1'], parent: ['h1'], old: ['h2', 'h1'] });
  });

  it('add_host: true for a new host, new vars or a new group; false when nothing is new; later plays reach it', async () => {
    const changes: [string, boolean][] = [];
    const p = probe();
    p.answer = (_a, ctx) => {
      const inv = ctx.inventory!;
      changes.push(['new host', inv.host('n1', ['made'], { a: 1, ansible_connection: 'local' })]);
      changes.push(['same again', inv.host('n1', ['made'], { a: 1 })]);
      changes.push(['new var value', inv.host('n1', [], { a: 2 })]);
      changes.push(['no vars, no groups', inv.host('n1', [], {})]);
      changes.push(['new group', inv.host('n1', ['made', 'second'], {})]);
      changes.push(['existing host, existing group', inv.host('h1', ['old'], {})]);
      return { changed: false };
    };
    const later = probe();
    await runPlays(inv, [
      { hosts: 'h1', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('add', p.module({})) },
      { hosts: 'second', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('later', later.module({ a: '{{ a }}', groups_old: '{{ groups.old }}' })) },
    ]);
    expect(changes).to.deep.equal([
      ['new host', true],
      ['same again', false],
      ['new var value', true],
      ['no vars, no groups', false],
      ['new group', true],
      ['existing host, existing group', true],
    ]);
    expect(later.calls.map((c) => [c.host, c.args.a, c.args.groups_old])).to.deep.equal([['n1', 2, ['h2', 'h1']]]);
  });
});
