import type { Algorithms, CipherAlgorithm, KexAlgorithm, MacAlgorithm, ServerHostKeyAlgorithm } from 'ssh2';

// What the SSH client negotiates. ssh2's defaults also accept `ssh-rsa` host-key signatures and
// offer hmac-sha1 (and hmac-sha1-etm): both rest on SHA-1, so they are left out here. RSA host
// keys still work, signed with rsa-sha2-512 or rsa-sha2-256 (OpenSSH 7.2 and later).

export const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
];

const KEX: KexAlgorithm[] = [
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group14-sha256',
];

const CIPHERS: CipherAlgorithm[] = [
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'chacha20-poly1305@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
];

const MACS: MacAlgorithm[] = ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'];

/** ssh2's `algorithms` option: exactly these lists, host-key types known for the host first. */
export function clientAlgorithms(hostKeyOrder: ServerHostKeyAlgorithm[]): Algorithms {
  return { kex: KEX, cipher: CIPHERS, serverHostKey: hostKeyOrder, hmac: MACS };
}

/** A sentence for ssh2's "Handshake failed: no matching ..." (what tsplay accepts, what to do). */
export function noCommonAlgorithm(message: string): string | undefined {
  const m = /^Handshake failed: no matching (key exchange algorithm|host key format|[CS]->[CS] cipher|[CS]->[CS] MAC|[CS]->[CS] compression)/.exec(message);
  if (!m) return undefined;
  const what = m[1];
  if (what === 'host key format') {
    return (
      `the host offers no host-key signature algorithm tsplay accepts (${HOST_KEY_ALGORITHMS.join(', ')}; ` +
      `ssh-rsa is refused: its signatures use SHA-1); give the host's sshd an ed25519 or ecdsa host key, or allow rsa-sha2-512/rsa-sha2-256 in its HostKeyAlgorithms`
    );
  }
  if (what.endsWith('MAC')) {
    return `the host offers no MAC tsplay accepts (${MACS.join(', ')}; hmac-sha1 is refused); allow one of those in the MACs of its sshd_config`;
  }
  if (what.endsWith('cipher')) return `the host offers no cipher tsplay accepts (${CIPHERS.join(', ')}); allow one in the Ciphers of its sshd_config`;
  if (what === 'key exchange algorithm') {
    return `the host offers no key exchange tsplay accepts (${KEX.join(', ')}; SHA-1 ones are refused); allow one in the KexAlgorithms of its sshd_config`;
  }
  return `the host offers no compression tsplay accepts; allow none in its sshd_config`;
}
