// `kubeadm version [-o short|json|yaml]` (cmd/kubeadm/app/cmd/version.go).
import { toYaml as stringify } from './yaml.js';
import { gitVersion } from '../common/versions.js';
import { parseCmd, type Ctx } from './context.js';
import { KubeadmError } from './errors.js';

/** The build facts the lab's kubeadm reports: the real ones' shape, fixed values for a double. */
export function versionInfo(version: string): Record<string, string> {
  const v = gitVersion(version);
  const [major, minor] = v.slice(1).split('.');
  return {
    major: major!,
    minor: minor!,
    gitVersion: v,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.22.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export async function runVersion(ctx: Ctx, argv: string[], version: string): Promise<void> {
  const p = parseCmd(argv, { short: { o: 'output' } }, ['output'], 'kubeadm version [flags]');
  const info = versionInfo(version);
  const o = p.flags.get('output') ?? '';
  if (o === '') {
    ctx.out.out(
      `kubeadm version: &version.Info{Major:"${info.major}", Minor:"${info.minor}", GitVersion:"${info.gitVersion}", GitCommit:"${info.gitCommit}", GitTreeState:"${info.gitTreeState}", BuildDate:"${info.buildDate}", GoVersion:"${info.goVersion}", Compiler:"${info.compiler}", Platform:"${info.platform}"}`,
    );
  } else if (o === 'short') {
    ctx.out.out(info.gitVersion!);
  } else if (o === 'json') {
    ctx.out.out(JSON.stringify({ clientVersion: info }, null, 2));
  } else if (o === 'yaml') {
    ctx.out.out(stringify({ clientVersion: info }).trimEnd());
  } else {
    throw new KubeadmError(`invalid output format: ${o}`);
  }
}
