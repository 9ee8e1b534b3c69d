import { shq } from '../util/shell.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { manageContent } from './common/content.js';
import { probe } from './common/probe.js';
import { diffText } from './common/result.js';
import { SOURCE_PARTS } from './apt_repository.js';

// deb822_repository: a `.sources` file in /etc/apt/sources.list.d (apt's deb822 format), named and
// keyed as ansible-core 2.15's deb822_repository does (2.14 has no such module): the file is
// `<name as a slug>.sources`, `name` becomes X-Repolib-Name, lists are space-separated, booleans
// yes/no. The whole file is written atomically only when its bytes differ; `absent` removes it.
// Field order is fixed here (name, Types, URIs, Suites, Components, the rest A-Z, Signed-By), so
// the file is the same on every run. signed_by is a key file on the host or an inline key.

type YesNo = boolean;

export interface Deb822RepositoryArgs {
  name: string;
  state?: 'present' | 'absent';
  /** default ['deb'] */
  types?: ('deb' | 'deb-src')[];
  uris?: string | string[];
  suites?: string | string[];
  components?: string | string[];
  /** absolute path of a keyring on the host (/etc/apt/keyrings/k.gpg), or an ASCII-armored key */
  signed_by?: string;
  architectures?: string | string[];
  enabled?: YesNo;
  trusted?: YesNo;
  by_hash?: YesNo;
  check_date?: YesNo;
  check_valid_until?: YesNo;
  languages?: string | string[];
  pdiffs?: YesNo;
  targets?: string | string[];
  /** default '0644' */
  mode?: string;
}

export interface Deb822RepositoryResult extends ModuleResult {
  /** the file's content */
  repo: string;
  dest: string;
  key_filename: null;
}

const list = { anyOf: [{ type: 'string', pattern: '^[^\\n]*$' }, { type: 'array', items: { type: 'string', pattern: '^[^\\s]+$' } }] } as const;

export const deb822RepositorySchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[^\\n]*$' },
    state: { enum: ['present', 'absent'] },
    types: { type: 'array', items: { enum: ['deb', 'deb-src'] }, minItems: 1 },
    uris: list,
    suites: list,
    components: list,
    signed_by: { type: 'string', minLength: 1 },
    architectures: list,
    enabled: { type: 'boolean' },
    trusted: { type: 'boolean' },
    by_hash: { type: 'boolean' },
    check_date: { type: 'boolean' },
    check_valid_until: { type: 'boolean' },
    languages: list,
    pdiffs: { type: 'boolean' },
    targets: list,
    mode: { type: 'string', minLength: 1 },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

/** ansible-core 2.15's file name: lower case, runs of _ and spaces as -, everything else dropped. */
export function sourcesFilename(name: string): string {
  return `${name.toLowerCase().replace(/[_\s]+/g, '-').replace(/[^a-z0-9-]+/g, '')}.sources`;
}

const FIELD: Record<string, string> = {
  architectures: 'Architectures',
  by_hash: 'By-Hash',
  check_date: 'Check-Date',
  check_valid_until: 'Check-Valid-Until',
  enabled: 'Enabled',
  languages: 'Languages',
  pdiffs: 'PDiffs',
  targets: 'Targets',
  trusted: 'Trusted',
};

const words = (v: string | string[]): string => (Array.isArray(v) ? v : v.split(/\s+/).filter((s) => s !== '')).join(' ');

/** The .sources file for `args`. */
export function renderSources(args: Deb822RepositoryArgs): string {
  const lines = [`X-Repolib-Name: ${args.name}`, `Types: ${(args.types ?? ['deb']).join(' ')}`];
  if (args.uris !== undefined) lines.push(`URIs: ${words(args.uris)}`);
  if (args.suites !== undefined) lines.push(`Suites: ${words(args.suites)}`);
  if (args.components !== undefined) lines.push(`Components: ${words(args.components)}`);
  for (const key of Object.keys(FIELD)) {
    const v = (args as unknown as Record<string, unknown>)[key];
    if (v === undefined) continue;
    lines.push(`${FIELD[key]}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : words(v as string | string[])}`);
  }
  if (args.signed_by !== undefined) {
    const key = args.signed_by.trim();
    if (key.includes('\n')) {
      // an inline key: continuation lines start with a space; an empty line is ' .'
      lines.push(`Signed-By:\n${key.split('\n').map((l) => (l.trim() === '' ? ' .' : ` ${l.trim()}`)).join('\n')}`);
    } else lines.push(`Signed-By: ${key}`);
  }
  return `${lines.join('\n')}\n`;
}

async function run(args: Deb822RepositoryArgs, ctx: ModuleContext): Promise<Deb822RepositoryResult> {
  const file = sourcesFilename(args.name);
  if (file === '.sources') throw new ModuleFailure(`deb822_repository: name '${args.name}' gives no file name (use letters, digits or -)`);
  const dest = `${SOURCE_PARTS}/${file}`;
  const state = args.state ?? 'present';
  if (args.signed_by !== undefined && !args.signed_by.includes('\n')) {
    if (/^\w+:\/\//.test(args.signed_by)) {
      throw new ModuleFailure(`deb822_repository ${args.name}: signed_by as a URL is not supported; download the key with get_url to /etc/apt/keyrings/ and give its path`);
    }
    if (!args.signed_by.startsWith('/')) throw new ModuleFailure(`deb822_repository ${args.name}: signed_by '${args.signed_by}' must be an absolute path on the host or an inline key`);
  }
  if (state === 'present' && (args.uris === undefined || args.suites === undefined)) {
    throw new ModuleFailure(`deb822_repository ${args.name}: uris and suites are required with state=present`);
  }
  const [st] = await probe(ctx, [{ path: dest, checksum: true, content: true }]);
  if (state === 'absent') {
    const base = { repo: '', dest, key_filename: null };
    if (!st.exists) return { changed: false, ...base };
    const diff = ctx.diff ? { diff: [{ path: dest, before: diffText(st.content), after: '' }] } : {};
    if (!ctx.check) {
      const r = await ctx.conn.exec(`rm -f -- ${shq(dest)}`, { become: ctx.become });
      if (r.rc !== 0) throw new ModuleFailure(`deb822_repository: cannot remove ${dest}: ${r.stderr.trim()}`);
    }
    return { changed: true, ...base, ...diff };
  }
  const text = renderSources(args);
  const res = await manageContent(ctx, { dest, state: st, content: Buffer.from(text, 'utf8'), args: { mode: args.mode ?? '0644' } });
  return { changed: res.changed, repo: text, dest, key_filename: null, ...(res.diff ? { diff: res.diff } : {}) };
}

export const deb822_repository = defineModule<Deb822RepositoryArgs, Deb822RepositoryResult>({ name: 'deb822_repository', schema: deb822RepositorySchema, run });
