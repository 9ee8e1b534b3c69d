// Command-line flags the way Go's pflag (cobra) reads them, which is how kubeadm, kubelet and the
// control-plane programs read theirs: `--name=value`, `--name value`, `--bool`, `--bool=false`,
// `-v=5`, `-f`, and `--` ending flags. Unknown flags are the caller's decision (the real programs
// refuse them with `unknown flag: --x`).

export interface FlagSpec {
  /** flags that take no value (`--force`); everything else takes one */
  bools?: readonly string[];
  /** one-letter aliases: { f: 'force', y: 'yes', o: 'output' } */
  short?: Readonly<Record<string, string>>;
}

export interface ParsedFlags {
  /** last value wins, as pflag's string flags; bools are 'true' / 'false' */
  flags: Map<string, string>;
  /** every value of a flag given several times (stringSlice flags, --ignore-preflight-errors) */
  all: Map<string, string[]>;
  args: string[];
  /** flags seen in the order given, for `unknown flag` checks */
  seen: string[];
}

export class FlagError extends Error {}

export function parseFlags(argv: readonly string[], spec: FlagSpec = {}): ParsedFlags {
  const bools = new Set(spec.bools ?? []);
  const out: ParsedFlags = { flags: new Map(), all: new Map(), args: [], seen: [] };
  const put = (name: string, value: string): void => {
    out.flags.set(name, value);
    out.all.set(name, [...(out.all.get(name) ?? []), value]);
    out.seen.push(name);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.args.push(...argv.slice(i + 1));
      break;
    }
    const long = /^--([^=]+)(?:=([\s\S]*))?$/.exec(a);
    const short = long ? null : /^-([A-Za-z])(?:=([\s\S]*))?$/.exec(a);
    if (!long && !short) {
      out.args.push(a);
      continue;
    }
    const raw = long ? long[1]! : short![1]!;
    const name = long ? raw : (spec.short?.[raw] ?? raw);
    const inline = long ? long[2] : short![2];
    if (bools.has(name)) {
      const v = inline ?? 'true';
      if (v !== 'true' && v !== 'false') throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
      put(name, v);
    } else if (inline !== undefined) {
      put(name, inline);
    } else {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
      put(name, argv[++i]!);
    }
  }
  return out;
}

/** Splits a `KEY="a b" --x=1`-style args string (kubeadm-flags.env, KUBELET_EXTRA_ARGS) like systemd does for $VAR expansion: on whitespace. */
export function splitArgs(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}
