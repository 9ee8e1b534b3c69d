// How kubeadm fails: cmd/kubeadm/app/util/error.go prints the error text, then the stack-trace
// hint, and exits 2 for preflight errors, 3 for validation (aggregate) errors, 1 otherwise.
// Cobra's own errors (unknown flag or command) print `Error: ...` and exit 1.

export const EXIT_DEFAULT = 1;
export const EXIT_PREFLIGHT = 2;
export const EXIT_VALIDATION = 3;

export class KubeadmError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT_DEFAULT,
  ) {
    super(message);
    this.name = 'KubeadmError';
  }
}

/** An error of cobra's command parsing: printed as `Error: <msg>` with a usage hint. */
export class CobraError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'CobraError';
  }
}

/** `error execution phase <phase>: <msg>`: how the phase runner (kubeadm >= 1.13) wraps a phase's error. */
export function phaseError(phase: string, err: unknown): KubeadmError {
  if (err instanceof KubeadmError) return new KubeadmError(`error execution phase ${phase}: ${err.message}`, err.code);
  return new KubeadmError(`error execution phase ${phase}: ${err instanceof Error ? err.message : String(err)}`);
}

export const STACK_HINT = 'To see the stack trace of this error execute with --v=5 or higher';
