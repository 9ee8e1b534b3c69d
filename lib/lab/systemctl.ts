import { unpackedDeb } from './debcache.js';

// Lab hosts run no systemd. Debian's package `systemctl` is a daemonless reimplementation (a
// Python script) that reads real unit files and starts, stops and enables services. It conflicts
// with systemd, so it is never installed here: the .deb is downloaded and unpacked into a cache.

export const SYSTEMCTL_CACHE_DIR = '/var/cache/tsplay/systemctl';

/** Path of the daemonless systemctl script, downloaded and unpacked once per machine. */
export function daemonlessSystemctl(cacheDir = SYSTEMCTL_CACHE_DIR): Promise<string> {
  return unpackedDeb({ pkg: 'systemctl', file: 'usr/bin/systemctl', cacheDir, why: 'daemonless systemctl for lab hosts' });
}
