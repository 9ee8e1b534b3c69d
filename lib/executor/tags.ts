// Ansible's tag selection: `always` runs unless skipped by name, `never` runs only when asked
// for by name; `tagged` / `untagged` select by whether a task has tags at all.

export interface TagFilter {
  tags: string[];
  skipTags: string[];
}

export function shouldRun(taskTags: readonly string[], f: TagFilter): boolean {
  const tags = new Set(taskTags);
  const want = f.tags.length ? f.tags : ['all'];
  const skip = new Set(f.skipTags);
  if ([...tags].some((t) => skip.has(t))) return false;
  if (skip.has('tagged') && tags.size > 0) return false;
  if (skip.has('untagged') && tags.size === 0) return false;
  if (skip.has('all') && !tags.has('always')) return false;
  if (tags.has('always')) return true;
  if (tags.has('never')) return want.some((w) => tags.has(w));
  return want.some((w) => (w === 'all' ? true : w === 'tagged' ? tags.size > 0 : w === 'untagged' ? tags.size === 0 : tags.has(w)));
}
