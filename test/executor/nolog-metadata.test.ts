import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { copy, debug, slurp, type TaskBuilder } from '../../lib/index.js';
import { knownSecrets } from '../../lib/util/secrets.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

// A noLog loop that copies keys between hosts (the etcd PKI's distribution): its data is secret
// from then on, but the host it was delegated to, the file names, paths and modes are not, or
// every later line naming the host or '0640' would be masked.

describe('noLog results: data secret, metadata not', () => {
  it('a delegated noLog loop registers the keys, not the host, items, paths or modes', async () => {
    const { dir, cleanup } = scratch();
    try {
      const inv = localInventory(dir, ['ca-host-x1', 'web-host-y2']);
      writeFileSync(join(dir, 'key-a.pem'), 'PRIVATE-KEY-AAAA-1234');
      writeFileSync(join(dir, 'key-b.pem'), 'PRIVATE-KEY-BBBB-5678');
      const plays: PlaySpec[] = [
        {
          hosts: 'web-host-y2',
          gatherFacts: false,
          tasks: (t: TaskBuilder) => {
            t.task('read on the CA host', slurp({ src: `${dir}/{{ item }}` }), {
              delegateTo: 'ca-host-x1',
              loop: ['key-a.pem', 'key-b.pem'],
              register: 'blobs',
              noLog: true,
            });
            t.task('install', copy({ dest: '{{ root }}-{{ item.item }}', content: '{{ item.content | b64decode }}', mode: '0640' }), {
              loop: '{{ blobs.results }}',
              noLog: true,
            });
            t.task('say where', debug({ msg: 'copied from ca-host-x1 to {{ inventory_hostname }}' }));
          },
        },
      ];
      const run = await runPlays(inv, plays);
      expect(run.exitCode).to.equal(0);
      const secrets = knownSecrets();
      expect(secrets).to.include('PRIVATE-KEY-AAAA-1234').and.include('PRIVATE-KEY-BBBB-5678');
      for (const notSecret of ['ca-host-x1', 'web-host-y2', 'key-a.pem', '0640', join(dir, 'key-a.pem'), 'base64']) expect(secrets, notSecret).to.not.include(notSecret);
    } finally {
      cleanup();
    }
  });
});
