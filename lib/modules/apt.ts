import { shJoin, shq } from '../util/shell.js';
import { applyScript, probe } from './system/remote.js';
import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's apt for the common cases. State is read in one round trip (one dpkg-query for the
// installed versions, `apt-cache policy` for candidates, the cache age); a cache update is one
// more; the change is one apt-get run that also reports the versions installed afterwards.
// Differences from Ansible, on purpose:
// - after a successful update tsplay touches /var/lib/apt/periodic/update-success-stamp (what
//   Ubuntu's update-notifier does), so cache_valid_time works on plain Debian too;
// - cache_updated (and changed, for an update alone) is true only when the package lists changed.
// - autoremove applies with state: absent (apt-get --auto-remove).

export interface AptArgs {
  /** package names; `name=version` pins a version (a trailing * matches a version prefix) */
  name?: string | string[];
  /** default present */
  state?: 'present' | 'absent' | 'latest';
  update_cache?: boolean;
  /** seconds; update only when the cache is older (implies update_cache) */
  cache_valid_time?: number;
  /** default: apt's own setting */
  install_recommends?: boolean;
  /** with absent: also remove configuration files */
  purge?: boolean;
  /** with absent: also remove dependencies nothing needs any more */
  autoremove?: boolean;
  /** let apt-get change a package on hold (dpkg_selections: hold); default false, as in Ansible */
  allow_change_held_packages?: boolean;
}

export interface AptPackageChange {
  before: string | null;
  after: string | null;
}

export interface AptResult extends ModuleResult {
  cache_updated: boolean;
  /** unix time of the last successful update */
  cache_update_time: number;
  /** packages this task changed (or would change, in check mode) */
  packages: Record<string, AptPackageChange>;
  stdout?: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: {
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 } },
      ],
    },
    state: { enum: ['present', 'absent', 'latest'] },
    update_cache: { type: 'boolean' },
    cache_valid_time: { type: 'integer', minimum: 0 },
    install_recommends: { type: 'boolean' },
    purge: { type: 'boolean' },
    autoremove: { type: 'boolean' },
    allow_change_held_packages: { type: 'boolean' },
  },
};

const STAMP = '/var/lib/apt/periodic/update-success-stamp';
const LISTS = '/var/lib/apt/lists';
const ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
const FMT = shq('${Package}\\t${Status}\\t${Version}\\n');

interface Spec {
  name: string;
  version?: string;
}
interface Installed {
  status: string;
  version: string;
}
interface Policy {
  candidate: string | null;
  versions: string[];
}

// Debian policy 5.6.1 (lowercase, starting with a letter or digit), with apt's :ARCH qualifier.
// Checked because a name starting with '-' would be an option of apt-get, apt-cache, dpkg-query.
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/;
// Debian policy 5.6.12 (an epoch, digits first), and tsplay's trailing * for a version prefix
const PACKAGE_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+~:-]*\*?$|^\*$/;

function parseSpecs(name: string | string[] | undefined): Spec[] {
  const raw = (Array.isArray(name) ? name : name ? [name] : []).flatMap((n) => n.split(','));
  return raw
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const eq = s.indexOf('=');
      const spec = eq < 0 ? { name: s } : { name: s.slice(0, eq), version: s.slice(eq + 1) };
      if (!PACKAGE_NAME.test(spec.name)) {
        throw new ModuleFailure(
          `apt: argument 'name': ${JSON.stringify(spec.name)} is not a package name; give a Debian package name ` +
            `(lowercase letters, digits and + - ., starting with a letter or digit; optionally :ARCH and =VERSION)`,
        );
      }
      if (spec.version !== undefined && !PACKAGE_VERSION.test(spec.version)) {
        throw new ModuleFailure(
          `apt: argument 'name': ${JSON.stringify(s)} has an invalid version; give NAME=VERSION with a Debian version ` +
            `(letters, digits and . + ~ : -, starting with a letter or digit) or a prefix ending in *`,
        );
      }
      return spec;
    });
}

function parseDpkg(out: string): Map<string, Installed> {
  const m = new Map<string, Installed>();
  for (const line of out.split('\n')) {
    const [pkg, status, version] = line.split('\t');
    if (pkg && status) m.set(pkg, { status, version: version ?? '' });
  }
  return m;
}

/** `apt-cache policy` blocks: candidate and the version table (highest priority first). */
function parsePolicy(out: string): Map<string, Policy> {
  const m = new Map<string, Policy>();
  let cur: Policy | undefined;
  for (const line of out.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      cur = { candidate: null, versions: [] };
      m.set(head[1].replace(/:[a-z0-9]+$/, ''), cur);
      continue;
    }
    if (!cur) continue;
    const cand = /^\s+Candidate: (\S+)/.exec(line);
    if (cand) cur.candidate = cand[1] === '(none)' ? null : cand[1];
    const ver = /^\s{5}(?:\*\*\* )?(\S+) -?\d+$/.exec(line);
    if (ver) cur.versions.push(ver[1]);
  }
  return m;
}

const isInstalled = (i: Installed | undefined) => !!i && / installed$/.test(i.status);
/** dpkg's selection (the first word of Status) is hold: apt-get refuses to change it without --allow-change-held-packages */
const isHeld = (i: Installed | undefined) => !!i && i.status.startsWith('hold ');
const hasConfig = (i: Installed | undefined) => !!i && / config-files$/.test(i.status);
const matches = (version: string, spec: string) =>
  spec.endsWith('*') ? version.startsWith(spec.slice(0, -1)) : version === spec;

export const apt = defineModule<AptArgs, AptResult>({
  name: 'apt',
  schema,
  async run(args, ctx) {
    const state = args.state ?? 'present';
    const specs = parseSpecs(args.name);
    const names = specs.map((s) => s.name);
    if (state === 'latest' && specs.some((s) => s.version)) {
      throw new ModuleFailure(`apt: a pinned version (${specs.find((s) => s.version)?.name}=...) contradicts state: latest`);
    }
    const validTime = args.cache_valid_time ?? 0;
    const wantUpdate = !!args.update_cache || validTime > 0;
    if (!names.length && !wantUpdate) throw new ModuleFailure('apt: give name (packages) or update_cache: true');

    // -- before operands everywhere: names are checked above, and never read as options even so
    const policyCmd = names.length ? `apt-cache policy -- ${shJoin(names)}` : 'true';
    // by content: apt-get update rewrites unchanged list files of file: repositories
    const fingerprint = `cd ${LISTS} && find . -maxdepth 1 -type f ! -name lock -exec md5sum {} + | sort | md5sum`;
    let st = await probe(ctx, {
      now: 'date +%s',
      mtime: `stat -c %Y ${STAMP} 2>/dev/null || stat -c %Y ${LISTS}`,
      dpkg: names.length ? `dpkg-query -W -f=${FMT} -- ${shJoin(names)}` : 'true',
      policy: policyCmd,
    });
    let cacheTime = Number(st.mtime.out.trim()) || 0;
    let policyOut = st.policy.out;
    let cacheUpdated = false;
    let updateOut = '';

    if (wantUpdate && !(validTime > 0 && cacheTime + validTime >= Number(st.now.out.trim()))) {
      if (ctx.check) cacheUpdated = true;
      else {
        const up = await probe(ctx, {
          before: fingerprint,
          update: `DEBIAN_FRONTEND=noninteractive apt-get update -q && mkdir -p "$(dirname ${STAMP})" && touch ${STAMP}`,
          after: fingerprint,
          mtime: `stat -c %Y ${STAMP}`,
          policy: policyCmd,
        });
        if (up.update.rc !== 0) throw new ModuleFailure(`Failed to update apt cache: ${(up.update.err || up.update.out).trim().split('\n').slice(-5).join('\n')}`);
        cacheUpdated = up.before.out !== up.after.out;
        cacheTime = Number(up.mtime.out.trim()) || cacheTime;
        policyOut = up.policy.out;
        updateOut = up.update.out;
      }
    }

    const installed = parseDpkg(st.dpkg.out);
    const policy = parsePolicy(policyOut);
    const packages: Record<string, AptPackageChange> = {};
    const install: string[] = [];
    const remove: string[] = [];
    let downgrade = false;
    const unlisted: string[] = [];
    for (const s of specs) {
      const inst = installed.get(s.name);
      const before = isInstalled(inst) ? inst!.version : null;
      const pol = policy.get(s.name);
      if (state === 'absent') {
        if (isInstalled(inst) || (args.purge && hasConfig(inst))) {
          remove.push(s.name);
          packages[s.name] = { before, after: null };
        }
        continue;
      }
      let target: string | null;
      const wanted = s.version ? `${s.name}=${s.version}` : s.name;
      if (s.version) {
        if (before !== null && matches(before, s.version)) continue;
        target = pol?.versions.find((v) => matches(v, s.version!)) ?? null;
      } else {
        if (before !== null && (state === 'present' || before === pol?.candidate)) continue;
        target = pol?.candidate ?? null;
      }
      if (!target) {
        // --check on a fresh host: the cache update this task would run first (skipped in check
        // mode) may well list it, e.g. from a repository just configured. Ansible fails here; a
        // dry run that stops at the first package of a new repository tells nothing.
        if (!(ctx.check && cacheUpdated)) throw new ModuleFailure(`No package matching '${wanted}' is available`);
        unlisted.push(wanted);
        target = s.version ?? '(candidate after the cache update)';
      }
      if (s.version && before !== null && target !== before) downgrade = true;
      install.push(s.version ? `${s.name}=${target}` : s.name);
      packages[s.name] = { before, after: target };
    }

    if (unlisted.length) ctx.log(`[WARNING]: ${unlisted.join(', ')} not in the apt cache yet; this task would update the cache first, so --check cannot tell whether ${unlisted.length > 1 ? 'they' : 'it'} will be available`);
    // apt-get would stop with "Held packages were changed": say so before it runs, and in --check
    // too (check mode promised a change the real run could not make)
    const held = Object.keys(packages).filter((n) => isHeld(installed.get(n)));
    if (held.length && !args.allow_change_held_packages) {
      const what = held.map((n) => `${n} (${packages[n].before ?? 'not installed'} -> ${packages[n].after ?? 'removed'})`).join(', ');
      throw new ModuleFailure(
        `apt: held packages would be changed: ${what}; apt-get refuses ("Held packages were changed and -y was used without --allow-change-held-packages"). ` +
          `Set allow_change_held_packages: true, or release the hold first (dpkg_selections: {name, selection: install})`,
        { packages },
      );
    }
    const pkgChanged = install.length > 0 || remove.length > 0;
    const changed = pkgChanged || cacheUpdated;
    const result: AptResult = { changed, cache_updated: cacheUpdated, cache_update_time: cacheTime, packages };
    if (updateOut) result.stdout = updateOut;
    if (ctx.diff && pkgChanged) {
      result.diff = [{ path: 'apt', attrs: Object.fromEntries(Object.entries(packages).map(([n, c]) => [n, { before: c.before, after: c.after }])) }];
    }
    if (!pkgChanged || ctx.check) return result;

    const base = ['apt-get', '-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];
    const steps = ['set -e'];
    if (install.length) {
      const flags = [];
      if (args.install_recommends === true) flags.push('--install-recommends');
      if (args.install_recommends === false) flags.push('--no-install-recommends');
      if (downgrade) flags.push('--allow-downgrades');
      if (args.allow_change_held_packages) flags.push('--allow-change-held-packages');
      steps.push(shJoin([...base, ...flags, 'install', '--', ...install]));
    }
    if (remove.length) {
      const held = args.allow_change_held_packages ? ['--allow-change-held-packages'] : [];
      steps.push(shJoin([...base, ...held, ...(args.autoremove ? ['--auto-remove'] : []), args.purge ? 'purge' : 'remove', '--', ...remove]));
    }
    steps.push(`echo ---tsplay-dpkg---`, `dpkg-query -W -f=${FMT} -- ${shJoin(names)} || true`);
    const res = await applyScript(ctx, steps.join('\n'), `apt ${state} ${names.join(' ')}`, { env: ENV, timeoutMs: 60 * 60_000 });
    const [out, after] = res.stdout.split('---tsplay-dpkg---\n');
    const now = parseDpkg(after ?? '');
    for (const n of Object.keys(packages)) packages[n].after = isInstalled(now.get(n)) ? now.get(n)!.version : null;
    result.stdout = (updateOut + out).trim();
    return result;
  },
});
