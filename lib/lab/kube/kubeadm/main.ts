// The kubeadm double's entry: `main(argv, version)` runs one subcommand and returns kubeadm's exit
// code; errors print as kubeadm prints them (no stack trace), cobra's parse errors as cobra does.
import { FlagError } from '../common/flags.js';
import { parseVersion } from '../common/versions.js';
import { runConfig } from './cmd-config.js';
import { runInit } from './cmd-init.js';
import { runJoin } from './cmd-join.js';
import { runReset } from './cmd-reset.js';
import { runToken } from './cmd-token.js';
import { runUpgrade } from './cmd-upgrade.js';
import { runVersion } from './cmd-version.js';
import { newCtx } from './context.js';
import { CobraError, EXIT_DEFAULT, KubeadmError, STACK_HINT } from './errors.js';
import { stdio, type Out } from './output.js';

export async function main(argv: string[], version: string, out: Out = stdio): Promise<number> {
  const v = parseVersion(version);
  if (!v) {
    out.err(`kubeadm: not a Kubernetes version: ${version}`);
    return EXIT_DEFAULT;
  }
  const ctx = newCtx(v, out);
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'version':
        await runVersion(ctx, rest, version);
        break;
      case 'init':
        await runInit(ctx, rest);
        break;
      case 'join':
        await runJoin(ctx, rest);
        break;
      case 'token':
        await runToken(ctx, rest);
        break;
      case 'upgrade':
        await runUpgrade(ctx, rest);
        break;
      case 'reset':
        await runReset(ctx, rest);
        break;
      case 'config':
        await runConfig(ctx, rest);
        break;
      case undefined:
        out.out('kubeadm: easily bootstrap a secure Kubernetes cluster');
        out.out('');
        out.out('Usage:\n  kubeadm [command]');
        break;
      default:
        throw new CobraError(`unknown command "${cmd}" for "kubeadm"`, 'kubeadm [command]');
    }
    return 0;
  } catch (e) {
    if (e instanceof CobraError || e instanceof FlagError) {
      out.err(e.message);
      if (e instanceof CobraError && e.message.startsWith('unknown command')) out.err(`Run '${e.usage.replace(/ \[.*$/, '')} --help' for usage.`);
      out.err(STACK_HINT);
      return EXIT_DEFAULT;
    }
    if (e instanceof KubeadmError) {
      out.err(e.message.replace(/\n$/, ''));
      out.err(STACK_HINT);
      return e.code;
    }
    // an unexpected failure still prints one located line, never a trace
    out.err(e instanceof Error ? e.message : String(e));
    out.err(STACK_HINT);
    return EXIT_DEFAULT;
  }
}
