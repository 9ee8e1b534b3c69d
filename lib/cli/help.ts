export const HELP = `tsplay: typed TypeScript playbooks, Ansible semantics

usage:
  tsplay run PLAYBOOK.ts -i INVENTORY [options]   run a playbook
  tsplay check PLAYBOOK.ts                         type-check a playbook and every role it uses
  tsplay inventory -i INV --list | --host NAME | --graph [GROUP] [--vars] | --list-hosts PATTERN [--limit L]
  tsplay template FILE -i INV --host NAME [-e k=v]  render a template with a host's vars (connects nowhere)
  tsplay new role NAME [--dir roles]               scaffold a typed role with a test
  tsplay new playbook NAME [--dir playbooks]       start a playbook (tsplay playbooks are TypeScript)
  tsplay report RUN.jsonl [-o RUN.html]            a run's --json events as a timeline per host (HTML)
  tsplay completion bash|zsh                       shell completion: source <(tsplay completion bash)
  tsplay COMMAND --help                            one command's usage; tsplay -V: the version
  tsplay lab up|down|status -i INV                 local test hosts (root; loopback addresses only)
  tsplay vault create|decrypt|edit|view|encrypt|encrypt_string|rekey [options] [FILE...|-]
                                                   ansible-vault's files and strings, both ways

run options (as in ansible-playbook):
  -i, --inventory INV       INI, YAML, JSON or .ts inventory, a directory, or "h1,h2,"; repeatable
  -l, --limit PATTERN       only these hosts (any host pattern, or @file.retry)
  -C, --check               change nothing; report what would change
  -D, --diff                show file diffs and before/after of modes, owners, states
  -e, --extra-vars VARS     k=v, @file.yml, or JSON; repeatable; highest precedence
  -f, --forks N             hosts at once (default 20)
  -t, --tags TAGS           only tasks with these tags; --skip-tags TAGS to leave some out
      --start-at-task NAME  start at the first task whose name matches (glob)
      --step                confirm each task (terminal only)
      --force-handlers      run notified handlers even on hosts that failed
      --list-hosts | --list-tasks | --list-tags   list, connecting nowhere (--list-tasks honours -t/--skip-tags)
      --syntax-check        load and check the playbook and its roles, print "playbook: FILE";
                            connects nowhere, runs nothing; exit 0, or 1 with the error
  -b, --become              become root (sudo) for every task; --become-user USER
      --become-method METHOD  sudo (the only method tsplay's connections have; su is refused)
  -K, --ask-become-pass     ask for the become (sudo) password, no echo; inventory vars win over it
  -k, --ask-pass            ask for the SSH password, no echo; inventory vars win over it
  -u, --user USER           remote user when the inventory sets none
  -c, --connection TYPE     ssh (default) | local, for hosts whose inventory sets no ansible_connection
      --private-key FILE    SSH key when the inventory sets none
      --key-file FILE       the same as --private-key (accepted for compatibility: ansible-playbook's old name)
      --known-hosts FILE    known_hosts to verify host keys against (default ~/.ssh/known_hosts)
      --host-key-checking   strict (default) | accept-new | off
  -T, --timeout SECONDS     SSH connect timeout (default 10)
      --json                one JSON object per event per line (CI)
  -v, --verbose             more output (results as JSON); repeat for more
      --no-retry-file       do not write PLAYBOOK.retry after failures
      --no-color            no colors, even where the output would have them
  -h, --help                this help

vault options (run, inventory, template, lab up and vault, as in ansible-playbook):
      --vault-id LABEL@SOURCE        SOURCE a password file, an executable script, or prompt; repeatable
      --vault-password-file FILE     password file or script (vault id "default"); repeatable;
                                     ANSIBLE_VAULT_PASSWORD_FILE and ANSIBLE_VAULT_IDENTITY_LIST are read too
  -J, --ask-vault-pass               ask for the vault password (no echo)
      --vault-pass-file FILE, --ask-vault-password   ansible-playbook's other names for the two above
  tsplay vault only:
      --encrypt-vault-id LABEL       which vault id encrypts when several are given
      --output FILE                  encrypt/decrypt/encrypt_string to FILE (- for stdout)
      --new-vault-password-file FILE, --new-vault-id LABEL@SOURCE   rekey's new password
  -n, --name NAME                    encrypt_string: the variable name of each string, in order
      --stdin-name NAME              encrypt_string: read the string from stdin, named NAME

exit codes: 0 ok, 1 usage or load error, 2 a host failed, 4 a host was unreachable
`;

// Each command's own --help (`run` shows everything above: its options are most of it).
export const COMMAND_HELP: Record<string, string> = {
  run: HELP,
  check: `usage: tsplay check PLAYBOOK.ts [...] [-i INVENTORY]
  type-check playbooks and every role, module argument and variable they use, load them as run
  does, and check their roles' templates and Jinja strings statically (with -i, the inventory's
  variables count as known); prints file:line:col per problem and exits 1, or "ok: ..." and
  exits 0. Connects nowhere, runs nothing.
`,
  inventory: `usage: tsplay inventory -i INV (--list | --host NAME | --graph [GROUP] [--vars] | --list-hosts PATTERN [--limit L])
  the views of ansible-inventory: --list (JSON with _meta.hostvars), --host NAME (its vars),
  --graph (groups as a tree), and --list-hosts PATTERN (the hosts a play or --limit would pick).
  -i, --inventory INV   INI, YAML, JSON or .ts inventory, a directory, or "h1,h2,"; repeatable
  vault options as for run (tsplay --help)
`,
  template: `usage: tsplay template FILE -i INV --host NAME [-e k=v ...]
  render a template with a host's vars (inventory, group_vars/host_vars, the role's defaults when
  FILE is under roles/ROLE/templates/, and -e), checked against the role's declared variables as
  a run checks them; connects nowhere.
`,
  new: `usage: tsplay new role NAME [--dir roles] | tsplay new playbook NAME [--dir playbooks]
  role: a typed role (vars declared once, a template, a handler) with a test in test/roles/
  playbook: a playbook that type-checks and runs as written
`,
  lab: `usage: tsplay lab up|down|status -i INVENTORY [--limit PATTERN] [--state-dir DIR]
  local test hosts (own root filesystem, hostname and sshd) on the inventory's loopback
  addresses; needs root.
`,
  vault: `usage: tsplay vault create|decrypt|edit|view|encrypt|encrypt_string|rekey [options] [FILE...|-]
  ansible-vault's files and strings, both ways

${HELP.slice(HELP.indexOf('vault options'), HELP.indexOf('exit codes'))}`,
  report: `usage: tsplay report RUN.jsonl [-o RUN.html]
  render the JSON events of a run (tsplay run ... --json > RUN.jsonl) as an HTML page: one
  timeline row per host, a bar per task coloured by its status, and the slowest tasks.
  -o, --output FILE   where to write the page (default: RUN.html beside RUN.jsonl; - for stdout)
`,
  completion: `usage: tsplay completion bash|zsh
  print a completion script: commands, options and file names.
  bash: source <(tsplay completion bash)      (or save it in /etc/bash_completion.d/tsplay)
  zsh:  source <(tsplay completion zsh)       (or save it as _tsplay in a directory of $fpath)
`,
};
