// The transport contract every connection (local, ssh) fulfils. Modules talk to hosts only
// through this, so a module that reads its state with one `exec` costs one round trip anywhere.

export interface BecomeSpec {
  /** user to become; default root */
  user?: string;
  /** sudo password; never logged */
  password?: string;
}

export interface ExecOptions {
  /** bytes fed to the command's stdin (file contents travel this way: no extra round trip) */
  stdin?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  /** run through sudo as another user */
  become?: BecomeSpec | false;
  /** kill the command after this many milliseconds (rc 124, like coreutils timeout) */
  timeoutMs?: number;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export interface Connection {
  /** inventory name of the host this connection reaches */
  readonly host: string;
  /** run `script` with /bin/sh -c on the host */
  exec(script: string, opts?: ExecOptions): Promise<ExecResult>;
  /** write a file on the host atomically (temp file in the same directory, then rename) */
  put(remotePath: string, content: Buffer | string, opts?: PutOptions): Promise<void>;
  /** read a whole file from the host */
  get(remotePath: string, opts?: { become?: BecomeSpec | false }): Promise<Buffer>;
  /**
   * Does `op` in-process on the host, without forking a tool (SSH hosts with python3:
   * ssh/helper.ts). Resolves undefined where there is no helper; the caller then uses exec.
   */
  helper?(op: HelperOp, opts?: { stdin?: Buffer; become?: BecomeSpec | false }): Promise<ExecResult | undefined>;
  close(): Promise<void>;
  /**
   * Forget that the host was found unreachable, so the next command tries to connect again
   * (wait_for_connection). Connections that never give up on a host need not have it.
   */
  retryConnect?(): void;
}

/**
 * What planned content was based on: the destination's sha1 when it was read, or its absence.
 * A write given this commits only if the destination is still so (modules/common/replan.ts).
 */
export type BasedOn = { sha1: string } | { absent: true };

/** Helper ops print exactly what their sh versions print, so one parser serves both. */
export type HelperOp =
  | { op: 'ping' }
  | { op: 'probe'; specs: { path: string; follow?: boolean; checksum?: boolean; content?: boolean }[] }
  | {
      op: 'put';
      path: string;
      /** octal */
      mode?: string;
      owner?: string;
      group?: string;
      /** create missing parent directories; without it a missing one is an error */
      mkdirs?: boolean;
      /** write to a symlink's target instead of replacing the link */
      followLink?: boolean;
      /** sha1 (hex) of the payload: a payload that did not arrive whole is never committed */
      sha1: string;
      /** commit only if the destination is still what the content was planned from */
      basedOn?: BasedOn;
    };

export interface PutOptions {
  mode?: string;
  owner?: string;
  group?: string;
  become?: BecomeSpec | false;
}

/** Raised when the host cannot be reached at all (recap: unreachable, exit 4). */
export class UnreachableError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** Raised when privilege escalation fails (wrong sudo password, no sudo rights). */
export class BecomeError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'BecomeError';
  }
}
