import type { Node, Playbook, Vars } from '../dsl/types.js';
import type { Inventory } from '../inventory/index.js';
import { applyLimit, selectHosts } from '../inventory/index.js';
import { compilePlay, optionsOf, playName } from '../executor/play.js';
import { shouldRun, type TagFilter } from '../executor/tags.js';

// --list-hosts / --list-tasks / --list-tags, shaped like ansible-playbook's.

function hostsOf(inv: Inventory, pattern: string, limit: string | undefined, cwd: string): string[] {
  const hosts = selectHosts(inv, pattern, { cwd });
  return limit ? applyLimit(inv, hosts, limit, cwd) : hosts;
}

export function listHosts(pb: Playbook, inv: Inventory, limit: string | undefined, cwd: string, extraVars: Vars = {}): number {
  const lines = [`playbook: ${pb.name}`, ''];
  pb.plays.forEach((play, i) => {
    const pattern = optionsOf({ inv, playbook: pb, opts: { extraVars } }, play).hosts;
    const hosts = hostsOf(inv, pattern, limit, cwd);
    lines.push(`  play #${i + 1} (${pattern}): ${playName(play, i, pattern)}\tTAGS: [${(play.tags ?? []).join(', ')}]`);
    lines.push(`    pattern: ['${pattern}']`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`), '');
  });
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function taskLines(nodes: Node[], indent: string, inherited: string[], filter: TagFilter): string[] {
  return nodes.flatMap((n) => {
    const tags = [...new Set([...inherited, ...(n.opts.tags ?? [])])];
    if (n.kind === 'block') return taskLines([...n.block, ...n.rescue, ...n.always], indent, tags, filter);
    if (n.kind === 'flush') return [];
    // as ansible-playbook --list-tasks: --tags / --skip-tags leave out what would not run
    if (!shouldRun(tags, filter)) return [];
    return [`${indent}${n.role ? `${n.role.name} : ` : ''}${n.name}\tTAGS: [${tags.join(', ')}]`];
  });
}

export function listTasks(pb: Playbook, inv: Inventory, limit: string | undefined, cwd: string, filter: TagFilter = { tags: [], skipTags: [] }, extraVars: Vars = {}): number {
  const lines = [`playbook: ${pb.name}`, ''];
  pb.plays.forEach((play, i) => {
    const c = compilePlay(play);
    const pattern = optionsOf({ inv, playbook: pb, opts: { extraVars } }, play).hosts;
    const hosts = hostsOf(inv, pattern, limit, cwd);
    lines.push(`  play #${i + 1} (${pattern}): ${playName(play, i, pattern)}\tTAGS: [${(play.tags ?? []).join(', ')}]  (${hosts.length} hosts)`);
    lines.push('    tasks:', ...taskLines([...c.pre, ...c.main, ...c.post], '      ', play.tags ?? [], filter), '');
  });
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export function listTags(pb: Playbook): number {
  const lines = [`playbook: ${pb.name}`, ''];
  pb.plays.forEach((play, i) => {
    const c = compilePlay(play);
    const tags = new Set<string>(play.tags ?? []);
    const walk = (nodes: Node[]): void =>
      nodes.forEach((n) => {
        (n.opts.tags ?? []).forEach((t) => tags.add(t));
        if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always]);
      });
    walk([...c.pre, ...c.main, ...c.post]);
    lines.push(`  play #${i + 1} (${typeof play.hosts === 'function' ? '(hosts from a function)' : String(play.hosts)}): ${playName(play, i)}`, `      TASK TAGS: [${[...tags].sort().join(', ')}]`, '');
  });
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** The names of the tasks a run would consider (handlers aside), after --tags / --skip-tags. */
export function runnableTaskNames(pb: Playbook, filter: TagFilter): string[] {
  return pb.plays.flatMap((play) => {
    const c = compilePlay(play);
    return taskLines([...c.pre, ...c.main, ...c.post], '', play.tags ?? [], filter).map((l) => l.split('\t')[0].replace(/^.* : /, ''));
  });
}
