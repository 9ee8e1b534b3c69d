import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule } from './types.js';
import { probe } from './common/probe.js';

// stat: facts about a path on the host, read in one exec. Never changes anything.

export interface StatArgs {
  path: string;
  /** sha1 of a regular file (default true, like Ansible) */
  get_checksum?: boolean;
  /** describe what a symlink points to instead of the link (default false) */
  follow?: boolean;
}

export interface StatInfo {
  exists: boolean;
  path: string;
  isdir?: boolean;
  isreg?: boolean;
  islnk?: boolean;
  lnk_target?: string;
  /** '0644' */
  mode?: string;
  uid?: number;
  gid?: number;
  pw_name?: string;
  gr_name?: string;
  size?: number;
  /** seconds since the epoch */
  mtime?: number;
  checksum?: string;
}

export interface StatResult extends ModuleResult {
  stat: StatInfo;
}

export const statSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1 },
    get_checksum: { type: 'boolean' },
    follow: { type: 'boolean' },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

async function run(args: StatArgs, ctx: ModuleContext): Promise<StatResult> {
  const [st] = await probe(ctx, [{ path: args.path, follow: args.follow === true, checksum: args.get_checksum !== false }]);
  if (!st.exists) return { changed: false, stat: { exists: false, path: args.path } };
  const info: StatInfo = {
    exists: true,
    path: args.path,
    isdir: st.type === 'directory',
    isreg: st.type === 'file',
    islnk: st.type === 'link',
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    pw_name: st.owner,
    gr_name: st.group,
    size: st.size,
    mtime: st.mtime,
  };
  if (st.linkTarget !== undefined) info.lnk_target = st.linkTarget;
  if (st.checksum !== undefined) info.checksum = st.checksum;
  return { changed: false, stat: info };
}

export const stat = defineModule<StatArgs, StatResult>({ name: 'stat', schema: statSchema, run });
