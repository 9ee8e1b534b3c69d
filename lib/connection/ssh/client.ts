/// <reference path="./ssh2-internals.d.ts" />
import type { Readable } from 'node:stream';
import SshClient from 'ssh2/lib/client.js';
import type { Client, ServerHostKeyAlgorithm } from 'ssh2';
import { clientAlgorithms, HOST_KEY_ALGORITHMS, noCommonAlgorithm } from './algorithms.js';
import { authPlan, type AuthCredentials } from './auth.js';
import { fingerprint, hostKeyAlgorithmsFor, keyTypeOf, KnownHosts, knownHostsName, type HostKeyPolicy } from './knownhosts.js';

// Opens one authenticated ssh2 Client (directly or over a tunnel stream) and turns every way it
// can fail into one sentence that says what happened and what to do.

export interface ClientTarget extends AuthCredentials {
  /** how messages name this endpoint, e.g. "k1-node01 (127.0.10.4:22)" */
  label: string;
  address: string;
  port: number;
  knownHostsFile: string;
  hostKeyChecking: HostKeyPolicy;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** tunnel through a bastion instead of a TCP connection */
  sock?: Readable;
}

/** A connect failure with its message ready for the user (never contains a secret). */
export class ConnectFailure extends Error {}

function hostKeyDecision(t: ClientTarget, kh: KnownHosts, blob: Buffer): string | null {
  if (t.hostKeyChecking === 'off') return null;
  const type = keyTypeOf(blob);
  const fp = fingerprint(blob);
  const res = kh.check(t.address, t.port, blob);
  if (res.status === 'match') return null;
  const name = knownHostsName(t.address, t.port);
  if (res.status === 'changed') {
    const was = res.known.length
      ? res.known.map((k) => `${k.type} ${fingerprint(k.blob)} (${k.where})`).join(', ')
      : 'a revoked key';
    return (
      `REMOTE HOST IDENTIFICATION HAS CHANGED: the host now offers ${type} ${fp}, ` +
      `but ${kh.file} has ${was}. Someone could be intercepting the connection, or the host was rebuilt; ` +
      `if you know it was rebuilt, run: ssh-keygen -R '${name}' -f ${kh.file}`
    );
  }
  if (t.hostKeyChecking === 'accept-new') {
    kh.append(t.address, t.port, blob);
    return null;
  }
  return (
    `host key is not known (${type} ${fp}) and host key checking is strict; ` +
    `add it to ${kh.file} (ssh-keyscan -p ${t.port} ${t.address} >> ${kh.file}) or use --host-key-checking accept-new`
  );
}

function describe(err: Error & { level?: string; code?: string }, t: ClientTarget, tried: string[]): string {
  if (err.level === 'client-authentication') {
    return `authentication failed for user ${t.user} (tried: ${tried.length ? tried.join(', ') : 'nothing: no key file, agent or password'})`;
  }
  if (err.level === 'client-timeout' || /Timed out while waiting for handshake/.test(err.message)) {
    return `connect timed out after ${t.connectTimeoutMs / 1000} s (is sshd running there?)`;
  }
  const noCommon = noCommonAlgorithm(err.message);
  if (noCommon) return noCommon;
  if (err.code === 'ECONNREFUSED') return 'connection refused (is sshd running and listening on that port?)';
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return `host unreachable (${err.code})`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `cannot resolve ${t.address}`;
  return `cannot connect: ${err.message}`;
}

export function openClient(t: ClientTarget): Promise<Client> {
  const kh = KnownHosts.shared(t.knownHostsFile);
  const knownTypes = kh.keysFor(t.address, t.port).map((k) => k.type);
  // negotiate a key type known_hosts already has for this host first, as OpenSSH does
  const prefer = [...new Set([...knownTypes.flatMap(hostKeyAlgorithmsFor), ...HOST_KEY_ALGORITHMS])].filter((a) =>
    HOST_KEY_ALGORITHMS.includes(a as ServerHostKeyAlgorithm),
  ) as ServerHostKeyAlgorithm[];
  const plan = authPlan(t);
  const client = new SshClient();
  let refusal: string | null = null;

  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const fail = (msg: string) => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      client.on('error', () => undefined);
      client.end();
      reject(new ConnectFailure(`${t.label}: ${msg}`));
    };
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string }) => {
      if (refusal) fail(refusal);
      else fail(describe(err, t, plan.tried));
    });
    client.on('close', () => fail(refusal ?? 'connection closed during the SSH handshake'));
    try {
      client.connect({
        host: t.sock ? undefined : t.address,
        port: t.sock ? undefined : t.port,
        sock: t.sock,
        username: t.user,
        readyTimeout: t.connectTimeoutMs,
        keepaliveInterval: t.keepaliveIntervalMs,
        keepaliveCountMax: t.keepaliveCountMax,
        authHandler: plan.handler,
        algorithms: clientAlgorithms(prefer),
        hostVerifier: (key: Buffer) => {
          try {
            refusal = hostKeyDecision(t, kh, key);
          } catch (e) {
            refusal = `cannot record the host key in ${t.knownHostsFile}: ${(e as Error).message}`;
          }
          return refusal === null;
        },
      });
      // The handshake and every command after it are small request/reply exchanges: with Nagle
      // on, a second small packet waits for the peer's delayed ACK (40 ms on Linux), which cost
      // two such waits per handshake. connect() has created the socket by now; Node applies the
      // option once it connects. (A jump host's channel stream has no such option.)
      if (!t.sock) client.setNoDelay(true);
    } catch (e) {
      fail(`cannot connect: ${(e as Error).message}`);
    }
  });
}
