import { expect } from 'chai';
import { debug, type DebugArgs } from '../../lib/modules/debug.js';
import { LocalConnection } from '../../lib/connection/local.js';
import { runModule, testContext } from '../helpers/sandbox.js';

const vars = { etcd_peer_port: 2380, health: { rc: 0, stdout_lines: ['127.0.0.1:2379 is healthy'] }, ansible_verbosity: 1 };

const rows: { title: string; args: DebugArgs; result: Record<string, unknown>; logged: string[] }[] = [
  { title: 'msg string is printed', args: { msg: 'etcd peer port 2380' }, result: { changed: false, msg: 'etcd peer port 2380' }, logged: ['etcd peer port 2380'] },
  { title: 'msg of any value is printed as JSON', args: { msg: { a: [1, 2] } }, result: { changed: false, msg: { a: [1, 2] } }, logged: ['{\n  "a": [\n    1,\n    2\n  ]\n}'] },
  { title: 'default msg', args: {}, result: { changed: false, msg: 'Hello world!' }, logged: ['Hello world!'] },
  { title: 'var prints a variable by name', args: { var: 'etcd_peer_port' }, result: { changed: false, etcd_peer_port: 2380 }, logged: ['etcd_peer_port: 2380'] },
  { title: 'var takes an expression', args: { var: 'health.stdout_lines[0]' }, result: { changed: false, 'health.stdout_lines[0]': '127.0.0.1:2379 is healthy' }, logged: ['health.stdout_lines[0]: 127.0.0.1:2379 is healthy'] },
  { title: 'an undefined var is reported, not an error', args: { var: 'nope' }, result: { changed: false, nope: 'VARIABLE IS NOT DEFINED!' }, logged: ['nope: VARIABLE IS NOT DEFINED!'] },
  { title: 'verbosity above the run level skips', args: { msg: 'details', verbosity: 2 }, result: { changed: false, skipped: true, msg: 'Verbosity threshold not met.' }, logged: [] },
  { title: 'verbosity at the run level prints', args: { msg: 'details', verbosity: 1 }, result: { changed: false, msg: 'details' }, logged: ['details'] },
];

describe('debug module', () => {
  const conn = new LocalConnection('localhost');
  for (const r of rows) {
    it(r.title, async () => {
      const ctx = testContext(conn, { vars });
      const res = await runModule(debug, r.args, ctx);
      expect(res).to.deep.equal(r.result);
      expect(ctx.logged).to.deep.equal(r.logged);
    });
  }
  it('var is a raw arg (evaluated by the module)', () => {
    expect(debug.def.rawArgs).to.deep.equal(['var']);
  });
});
