import { CliError, RUN_OPTIONS } from './args.js';
import { COMMAND_NAMES } from './main.js';

// `tsplay completion bash|zsh`: the script is generated from the CLI's own tables (commands, run's
// options), so a new flag completes without anyone editing a script.

const SUBWORDS: Record<string, string[]> = {
  new: ['role', 'playbook'],
  lab: ['up', 'down', 'status'],
  vault: ['create', 'decrypt', 'edit', 'view', 'encrypt', 'encrypt_string', 'rekey'],
  completion: ['bash', 'zsh'],
};

/** Options whose value is a file name (completed as files). */
const FILE_VALUED = ['-i', '--inventory', '--private-key', '--key-file', '--known-hosts', '--vault-password-file', '--vault-pass-file', '-o', '--output'];

function runFlags(): string[] {
  const out: string[] = [];
  for (const [name, o] of Object.entries(RUN_OPTIONS)) {
    out.push(`--${name}`);
    const short = (o as { short?: string }).short;
    if (short) out.push(`-${short}`);
  }
  return out;
}

export function bashScript(): string {
  const sub = Object.entries(SUBWORDS).map(([c, w]) => `    ${c}) [[ $COMP_CWORD -eq 2 ]] && { COMPREPLY=($(compgen -W "${w.join(' ')}" -- "$cur")); return; } ;;`).join('\n');
  return `# tsplay bash completion: source <(tsplay completion bash)
_tsplay() {
  local cur prev cmd
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${COMMAND_NAMES.join(' ')} --help --version" -- "$cur"))
    return
  fi
  case "$cmd" in
${sub}
  esac
  case "$prev" in
    ${FILE_VALUED.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "${runFlags().join(' ')}" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _tsplay tsplay
`;
}

export function zshScript(): string {
  // zsh's own completion system runs the bash function through bashcompinit: one definition of
  // what completes where, for both shells
  return `#compdef tsplay
# tsplay zsh completion: source <(tsplay completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript().split('\n').slice(1).join('\n')}`;
}

export async function cmdCompletion(argv: string[]): Promise<number> {
  const shell = argv[0];
  if (argv.length !== 1 || (shell !== 'bash' && shell !== 'zsh')) throw new CliError('usage: tsplay completion bash|zsh');
  process.stdout.write(shell === 'bash' ? bashScript() : zshScript());
  return 0;
}
