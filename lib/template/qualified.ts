// Fully qualified plugin names, as Ansible resolves them: `ansible.builtin.X` names only
// ansible-core's own filters and tests (not Jinja's builtins such as `default` or `join`), and
// the address filters live in `ansible.utils` (`ansible.netcommon` redirects there).

/** ansible-core 2.14's filter plugins (ansible/plugins/filter/*.py). */
const BUILTIN_FILTERS = `b64decode b64encode basename bool checksum combinations combine comment dict2items difference
dirname expanduser expandvars extract fileglob flatten from_json from_yaml from_yaml_all hash human_readable
human_to_bytes intersect items2dict log mandatory md5 password_hash path_join permutations pow product quote
random realpath regex_escape regex_findall regex_replace regex_search rekey_on_member relpath root sha1 shuffle
split splitext strftime subelements symmetric_difference ternary to_datetime to_json to_nice_json to_nice_yaml
to_uuid to_yaml type_debug union unique unvault urldecode urlsplit vault win_basename win_dirname
win_splitdrive zip zip_longest`.split(/\s+/);

/** ansible-core 2.14's test plugins (ansible/plugins/test/*.py). */
const BUILTIN_TESTS = `abs all any change changed contains directory exists failed failure falsy file finished
is_abs is_dir is_file is_link is_mount is_same_file isnan issubset issuperset link link_exists match mount nan
reachable regex same_file search skip skipped started subset succeeded success successful superset truthy
unreachable vault_encrypted version version_compare`.split(/\s+/);

/** ansible.utils' address filters (also reachable as ansible.netcommon.X). */
export const IP_FILTER_NAMES = ['ipaddr', 'ipwrap', 'ipv4', 'ipv6', 'ipmath', 'ipsubnet', 'network_in_usable',
  'network_in_network', 'next_nth_usable', 'previous_nth_usable', 'nthhost', 'cidr_merge', 'ip4_hex', 'hwaddr', 'macaddr'];

/** Tables reachable only by a collection's name: ansible.utils' address tests. */
export function collectionOnly<T>(prefix: string, table: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** `table` plus each of its entries under the fully qualified names Ansible gives it. */
export function withQualifiedNames<T>(table: Record<string, T>, kind: 'filter' | 'test'): Record<string, T> {
  const out: Record<string, T> = { ...table };
  const builtin = kind === 'filter' ? BUILTIN_FILTERS : BUILTIN_TESTS;
  for (const name of builtin) if (Object.prototype.hasOwnProperty.call(table, name)) out[`ansible.builtin.${name}`] = table[name]!;
  if (kind === 'filter') {
    for (const name of IP_FILTER_NAMES) {
      if (!Object.prototype.hasOwnProperty.call(table, name)) continue;
      out[`ansible.utils.${name}`] = table[name]!;
      out[`ansible.netcommon.${name}`] = table[name]!;
    }
  }
  return out;
}
