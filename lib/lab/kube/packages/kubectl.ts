import { unpackedDeb } from '../../debcache.js';

// The lab's kubectl is the REAL client: Debian's `kubernetes-client` package (kubectl 1.20.x on
// bookworm). Like the lab's systemctl it is never installed on the machine: the .deb is downloaded
// with apt and unpacked into a cache directory, once per machine.

export const KUBECTL_CACHE_DIR = '/var/cache/tsplay/kubectl';

/** Path of the real kubectl binary, downloaded and unpacked once per machine. */
export function realKubectl(cacheDir = KUBECTL_CACHE_DIR): Promise<string> {
  return unpackedDeb({ pkg: 'kubernetes-client', file: 'usr/bin/kubectl', cacheDir, why: 'the real kubectl for the lab' });
}
