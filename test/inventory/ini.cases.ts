// INI inventory texts and what ansible-inventory 2.14 makes of them: accepted ones with its
// `--list` output, refused ones with the file:line error tsplay gives (FILE stands for the
// file's path). source-table.test.ts checks tsplay against these rows;
// source-table-ansible.test.ts proves the rows with ansible-inventory itself.

/** One inventory format's rows. */
export interface SourceCases {
  ext: 'ini' | 'yml';
  /** [name, text, ansible-inventory --list] */
  accepted: Array<[string, string, object]>;
  /** [name, text, tsplay's error]: ansible-inventory refuses each of them too */
  refused: Array<[string, string, string]>;
  /** [name, text, tsplay's error]: refused by tsplay only (README, "Where tsplay differs") */
  refusedByTsplay: Array<[string, string, string]>;
  /** [name, text, host, ansible-inventory --host HOST] */
  hostVars: Array<[string, string, string, object]>;
}

/** [name, INI text, ansible-inventory --list] */
const ACCEPTED: Array<[string, string, object]> = [
  ["empty", "", {"_meta":{"hostvars":{}},"all":{"children":["ungrouped"]}}],
  ["comments", "# only\n; comment\n\n", {"_meta":{"hostvars":{}},"all":{"children":["ungrouped"]}}],
  ["ungrouped", "h1\n", {"_meta":{"hostvars":{}},"all":{"children":["ungrouped"]},"ungrouped":{"hosts":["h1"]}}],
  ["childLater", "[a:children]\nb\n[b]\nh1\n", {"_meta":{"hostvars":{}},"a":{"children":["b"]},"all":{"children":["ungrouped","a"]},"b":{"hosts":["h1"]}}],
  ["childChain", "[a:children]\nb\n[b:children]\nc\n[c]\nh1\n", {"_meta":{"hostvars":{}},"a":{"children":["b"]},"all":{"children":["ungrouped","a"]},"b":{"children":["c"]},"c":{"hosts":["h1"]}}],
  ["twoParents", "[a:children]\nb\n[x:children]\nb\n[b]\nh1\n", {"_meta":{"hostvars":{}},"a":{"children":["b"]},"all":{"children":["ungrouped","a","x"]},"b":{"hosts":["h1"]},"x":{"children":["b"]}}],
  ["varsFirst", "[a:vars]\nx=1\n[a]\nh1\n", {"_meta":{"hostvars":{"h1":{"x":1}}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","a"]}}],
  ["varsThenChildren", "[a:vars]\nx=1\n[a:children]\nb\n[b]\nh2\n", {"_meta":{"hostvars":{"h2":{"x":1}}},"a":{"children":["b"]},"all":{"children":["ungrouped","a"]},"b":{"hosts":["h2"]}}],
  ["sectionComment", "[a]  # comment\nh1\n[a:vars] # c\ny=2\n", {"_meta":{"hostvars":{"h1":{"y":2}}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","a"]}}],
  ["childComment", "[a:children]\nb   # the b group\n[b]\nh3\n", {"_meta":{"hostvars":{}},"a":{"children":["b"]},"all":{"children":["ungrouped","a"]},"b":{"hosts":["h3"]}}],
  ["hostComment", "h1 # comment\nh2 x=1 # c\n  h3   y=2  \n", {"_meta":{"hostvars":{"h2":{"x":1},"h3":{"y":2}}},"all":{"children":["ungrouped"]},"ungrouped":{"hosts":["h1","h2","h3"]}}],
  ["varsEquals", "[all:vars]\nk = v = w\nq=\n", {"_meta":{"hostvars":{}},"all":{"children":["ungrouped"]}}],
  ["hostQuotes", "h1 a=\"1\" b='[1, 2]' c=x=y d=\"two words\"\n", {"_meta":{"hostvars":{"h1":{"a":1,"b":[1,2],"c":"x=y","d":"two words"}}},"all":{"children":["ungrouped"]},"ungrouped":{"hosts":["h1"]}}],
  ["childrenDeclaredFirst", "[b]\nh1\n[a:children]\nb\n", {"_meta":{"hostvars":{}},"a":{"children":["b"]},"all":{"children":["ungrouped","a"]},"b":{"hosts":["h1"]}}],
  ["crlf", "[a]\r\nh1 x=1\r\n", {"_meta":{"hostvars":{"h1":{"x":1}}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","a"]}}],
  ["hostsAfterSection", "h0\n[a]\nh1\n[b]\nh1\n", {"_meta":{"hostvars":{}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","a","b"]},"b":{"hosts":["h1"]},"ungrouped":{"hosts":["h0"]}}],
  ["ungroupedThenGrouped", "h1\nh2\n[a]\nh1\n", {"_meta":{"hostvars":{}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","a"]},"ungrouped":{"hosts":["h2"]}}],
  ["internal", "h\n[all:vars]\nansible_diff_mode=1\nansible_config_file=1\nansible_facts=1\nansible_forks=1\nansible_inventory_sources=1\nansible_limit=1\nansible_playbook_python=1\nansible_run_tags=1\nansible_skip_tags=1\nansible_verbosity=1\nansible_version=1\ninventory_dir=1\ninventory_file=1\ninventory_hostname=1\ninventory_hostname_short=1\ngroups=1\ngroup_names=1\nomit=1\nplaybook_dir=1\nkept=1\n", {"_meta":{"hostvars":{"h":{"kept":1}}},"all":{"children":["ungrouped"]},"ungrouped":{"hosts":["h"]}}],
  ["emptygroup", "[a]\n[b]\nh\n[c:children]\na\n", {"_meta":{"hostvars":{}},"all":{"children":["ungrouped","b","c"]},"b":{"hosts":["h"]},"c":{"children":["a"]}}],
];

/** [name, INI text, tsplay's error] — ansible-inventory refuses each of them too */
const REFUSED: Array<[string, string, string]> = [
  ["unclosed", "h0\n[a\nh1\n", "FILE:2: section header is missing its closing ']' (text: '[a'); write [a]"],
  ["unclosedComment", "[a # c\n", "FILE:1: section header is missing its closing ']' (text: '[a # c'); write [a]"],
  ["unclosedVars", "[a:vars   # c\n", "FILE:1: section header is missing its closing ']' (text: '[a:vars   # c'); write [a:vars]"],
  ["bareWord", "[a]\nh1 foo\n", "FILE:2: expected key=value host variable after the host name, got 'foo' (text: 'h1 foo'); write foo=VALUE, or start a comment with '#'"],
  ["semicolon", "h1 ;c\n", "FILE:1: expected key=value host variable after the host name, got ';c' (text: 'h1 ;c'); comments after a host start with '#' (';' only works at the start of a line)"],
  ["varsNoEq", "[a]\nh\n[a:vars]\nfoo bar\n", "FILE:4: expected key=value in [a:vars] (text: 'foo bar'); write foo=VALUE"],
  ["varsUndeclared", "h\n[a:vars]\nx=1\n", "FILE:2: [a:vars] is for group 'a', which is never declared (text: '[a:vars]'); declare it with a [a] or [a:children] section, or fix the name"],
  ["childUndeclared", "h\n[a:children]\nb\n", "FILE:3: [a:children] names undefined group 'b' (text: 'b'); define it with a [b] section or fix the name"],
  ["childTwoWords", "[a:children]\nb c\n", "FILE:2: expected a group name in [a:children] (text: 'b c'); list one group name per line (no spaces, no \":\" or \"]\")"],
  ["sectionSpace", "[a b]\n", "FILE:1: invalid section header (text: '[a b]'); write [group], [group:children] or [group:vars] with no spaces or other characters inside the brackets"],
  ["sectionType", "[a:foo]\n", "FILE:1: section [a:foo] has unknown type 'foo' (text: '[a:foo]'); use [a] for hosts, [a:children] for child groups or [a:vars] for variables"],
  ["unclosedQuote", "h1 x=\"unclosed\n", "FILE:1: cannot split host line: No closing quotation (text: 'h1 x=\"unclosed'); close the quote or remove the trailing backslash"],
  ["chainUndeclared", "[a:children]\nb\n[b:children]\nc\n[b]\n", "FILE:4: [b:children] names undefined group 'c' (text: 'c'); define it with a [c] section or fix the name"],
  ["loop", "[a:children]\nb\n[b:children]\na\n", "FILE:4: adding group 'a' as child of 'b' creates a loop: 'a' is already an ancestor of 'b' (text: 'a'); remove 'a' from the children of 'b' or break the loop elsewhere"], // ansible 0 [WARNING]:  * Failed to parse /tmp/hv/loop.ini with ini plugin: Adding group [WARNING]: Unable to parse /tmp/hv/loop.ini as an inventory source [WARNING]: No inventory was parsed, only implicit localh
  ["selfChild", "[a:children]\na\n", "FILE:2: group 'a' cannot be a child of itself (text: 'a'); remove 'a' from [a:children]"], // ansible 0 [WARNING]:  * Failed to parse /tmp/hv/selfChild.ini with ini plugin: can't add [WARNING]: Unable to parse /tmp/hv/selfChild.ini as an inventory source [WARNING]: No inventory was parsed, only implicit
  ["badPriority", "[a]\nh\n[a:vars]\nansible_group_priority=abc\n", "FILE:4: ansible_group_priority of group 'a' must be an integer, got 'abc' (text: 'ansible_group_priority=abc'); set it to a whole number such as 10"], // ansible 0 [WARNING]:  * Failed to parse /tmp/hv/badPriority.ini with ini plugin: invalid [WARNING]: Unable to parse /tmp/hv/badPriority.ini as an inventory source [WARNING]: No inventory was parsed, only implic
  ["loop3", "[a:children]\nb\n[b:children]\nc\n[c:children]\na\n", "FILE:6: adding group 'a' as child of 'c' creates a loop: 'a' is already an ancestor of 'c' (text: 'a'); remove 'a' from the children of 'c' or break the loop elsewhere"], // ansible 0 [WARNING]:  * Failed to parse /tmp/hv/loop3.ini with ini plugin: Adding group [WARNING]: Unable to parse /tmp/hv/loop3.ini as an inventory source [WARNING]: No inventory was parsed, only implicit loca
];

/** [name, INI text, tsplay's error] — refused by tsplay only: Ansible loads these and fails each
 * host when it connects (README, "Where tsplay differs") */
const REFUSED_BY_TSPLAY: Array<[string, string, string]> = [
  ["badPort", "[a]\nh1 ansible_port=x\n", "FILE:2: ansible_port=\"x\" is not a port (text: 'ansible_port=x'); give a whole number between 1 and 65535"],
  ["badVarPort", "[a]\nh1\n[a:vars]\nansible_port=0\n", "FILE:4: ansible_port=0 is not a port (text: 'ansible_port=0'); give a whole number between 1 and 65535"],
];

/** [name, INI text, host, ansible-inventory --host HOST]: group priority, depth and name order */
const HOST_VARS: Array<[string, string, string, object]> = [
  ["priorityWins", "[a]\nh\n[b]\nh\n[a:vars]\nansible_group_priority=5\nx=a\n[b:vars]\nx=b\n", "h", {"x":"a"}],
  ["priorityText", "[a]\nh\n[b]\nh\n[b:vars]\nansible_group_priority=\" 3 \"\nx=b\n[a:vars]\nansible_group_priority=2\nx=a\n", "h", {"x":"b"}],
  ["priorityNegative", "[a]\nh\n[b]\nh\n[a:vars]\nx=a\n[b:vars]\nansible_group_priority=-1\nx=b\n", "h", {"x":"a"}],
  ["priorityFloat", "[a]\nh\n[b]\nh\n[b:vars]\nansible_group_priority=2.7\nx=b\n[a:vars]\nansible_group_priority=2\nx=a\n", "h", {"x":"b"}],
  ["nameOrder", "[b]\nh\n[a]\nh\n[a:vars]\nx=a\n[b:vars]\nx=b\n", "h", {"x":"b"}],
  ["longestPath", "[p1:children]\nm\n[m:children]\naleaf\n[p2:children]\naleaf\n[aleaf]\nh\n[m:vars]\ny=m\n[aleaf:vars]\ny=leaf\n[p2:vars]\nz=p2\n[p1:vars]\nz=p1\n", "h", {"y":"leaf","z":"p2"}],
  ["childOverParent", "[a:children]\nb\n[b]\nh x=host\n[a:vars]\nx=a\ny=a\n[b:vars]\ny=b\n[all:vars]\ny=all\nw=all\n", "h", {"w":"all","x":"host","y":"b"}],
  ["hostPortVar", "[a]\nh:2222\n[a:vars]\nansible_port=22\n", "h", {"ansible_port":2222}],
];

export const INI_CASES: SourceCases = { ext: 'ini', accepted: ACCEPTED, refused: REFUSED, refusedByTsplay: REFUSED_BY_TSPLAY, hostVars: HOST_VARS };
