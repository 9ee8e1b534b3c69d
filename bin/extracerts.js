// @ts-check
// NODE_EXTRA_CA_CERTS makes Node 20 read and parse every certificate in that file before it runs
// a line of JavaScript: ~50-70 ms per start for a distribution's bundle of ~140 certificates,
// though tsplay makes no TLS connection of its own. tsplay's shebang line moves the variable
// aside (to TSPLAY_EXTRA_CA_CERTS) so Node starts without it. Here it is put back for every
// process tsplay starts, and TLS in this process (a playbook's or inventory's own HTTPS request)
// gets the trust Node would have given it: the extra certificates added to Node's root
// certificates whenever a connection or server names no CA certificates of its own (Node uses
// neither when `ca` is given).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MOVED = 'TSPLAY_EXTRA_CA_CERTS';

export async function restoreExtraCaCerts() {
  const file = process.env[MOVED];
  delete process.env[MOVED];
  if (!file) return;
  process.env.NODE_EXTRA_CA_CERTS = file;
  if (usesOpensslStore()) reexec(); // its root certificates are not a list tsplay can extend
  const tls = (await import('node:tls')).default;
  const create = tls.createSecureContext;
  /** @type {string[] | undefined} */
  let trusted;
  tls.createSecureContext = function (options) {
    if (options?.ca !== undefined && options.ca !== null) return create.call(this, options);
    trusted ??= [...tls.rootCertificates, ...extra(file)];
    return create.call(this, { ...options, ca: trusted });
  };
}

/** @param {string} file @returns {string[]} */
function extra(file) {
  try {
    return [readFileSync(file, 'utf8')];
  } catch (e) {
    // what Node itself says about such a file, once
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${/** @type {Error} */ (e).message}`);
    return [];
  }
}

function usesOpensslStore() {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--use-openssl-ca');
}

/** Runs this command again under a Node that loads the file itself, and exits with its status. */
function reexec() {
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 1);
}
