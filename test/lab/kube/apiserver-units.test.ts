// The apiserver double's pure pieces: AGE formatting, patches, selectors, ClusterIP allocation.
import { expect } from 'chai';
import { humanDuration } from '../../../lib/lab/kube/apiserver/tables.js';
import { jsonPatch, mergePatch, strategicMergePatch, type Json } from '../../../lib/lab/kube/apiserver/patch.js';
import { matchLabels, parseFieldSelector, parseLabelSelector } from '../../../lib/lab/kube/apiserver/selectors.js';
import { allocate, parseCidr } from '../../../lib/lab/kube/apiserver/serviceips.js';
import { StatusError } from '../../../lib/lab/kube/apiserver/errors.js';

const s = (n: number): number => n * 1000;

describe('kube-apiserver double: pure pieces', function () {
  it('AGE follows apimachinery HumanDuration', function () {
    const cases: [number, string][] = [
      [-5, '<invalid>'],
      [-1, '0s'],
      [0, '0s'],
      [119, '119s'],
      [125, '2m5s'],
      [180, '3m'],
      [600, '10m'],
      [3 * 3600, '3h'],
      [3 * 3600 + 1800, '3h30m'],
      [47 * 3600, '47h'],
      [2 * 86400 + 5 * 3600, '2d5h'],
      [10 * 86400, '10d'],
      [800 * 86400, '2y70d'],
    ];
    expect(cases.map(([x]) => humanDuration(s(x)))).to.deep.equal(cases.map(([, y]) => y));
  });

  it('strategic merge: containers by name, conditions by type, null deletes, $patch directives, finalizers union, taints replaced', function () {
    const pod = { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }], unschedulable: true, taints: [{ key: 'x' }] }, metadata: { finalizers: ['f1'] } } as Json;
    const out = strategicMergePatch(pod, {
      $retainKeys: ['spec'],
      spec: { containers: [{ name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }, { name: 'a', $patch: 'delete' }], unschedulable: null, taints: [{ key: 'y' }], '$setElementOrder/containers': [{ name: 'b' }] },
      metadata: { finalizers: ['f2', 'f1'], '$deleteFromPrimitiveList/finalizers': ['f0'] },
    } as unknown as Json);
    expect(out).to.deep.equal({ spec: { containers: [{ name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }], taints: [{ key: 'y' }] }, metadata: { finalizers: ['f1', 'f2'] } });
    const st = strategicMergePatch({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'DiskPressure', status: 'False' }] } });
    expect(st).to.deep.equal({ status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'DiskPressure', status: 'False' }] } });
  });

  it('merge patch replaces lists; json patch add/remove/replace/move/test', function () {
    expect(mergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } })).to.deep.equal({ a: [3], b: { d: 2 } });
    const doc = { metadata: { labels: { a: '1' } }, list: [1, 2] } as Json;
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/metadata/labels/b~1c', value: '2' },
        { op: 'remove', path: '/metadata/labels/a' },
        { op: 'add', path: '/list/-', value: 3 },
        { op: 'replace', path: '/list/0', value: 9 },
        { op: 'move', from: '/list/1', path: '/moved' },
      ]),
    ).to.deep.equal({ metadata: { labels: { 'b/c': '2' } }, list: [9, 3], moved: 2 });
    expect(doc).to.deep.equal({ metadata: { labels: { a: '1' } }, list: [1, 2] }); // the input is not changed
    const e = (() => {
      try {
        jsonPatch(doc, [{ op: 'test', path: '/list/0', value: 7 }]);
      } catch (x) {
        return x;
      }
    })();
    expect(e).to.be.instanceOf(StatusError);
    expect((e as StatusError).code).to.equal(422);
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }])).to.throw(StatusError, 'doc is missing path');
  });

  it('label and field selectors parse as the real ones and refuse what they refuse', function () {
    const sel = parseLabelSelector('env in (prod, staging),tier!=db,!legacy,app');
    expect(matchLabels(sel, { env: 'prod', app: 'x' })).to.equal(true);
    expect(matchLabels(sel, { env: 'prod', app: 'x', legacy: '' })).to.equal(false);
    expect(matchLabels(sel, { env: 'dev', app: 'x' })).to.equal(false);
    expect(matchLabels(sel, { env: 'prod', app: 'x', tier: 'db' })).to.equal(false);
    expect(() => parseLabelSelector('a=b=c')).to.throw(StatusError, 'invalid label value');
    expect(parseFieldSelector('spec.nodeName=n1,status.phase!=Succeeded', 'pods')).to.deep.equal([
      { field: 'spec.nodeName', value: 'n1', equal: true },
      { field: 'status.phase', value: 'Succeeded', equal: false },
    ]);
    expect(() => parseFieldSelector('spec.nodeName=n1', 'nodes')).to.throw(StatusError, 'field label not supported: spec.nodeName');
  });

  it('ClusterIPs come from --service-cluster-ip-range, lowest free first, network and broadcast excluded', function () {
    const c = parseCidr('10.96.0.0/12');
    expect(allocate(c, new Set())).to.equal('10.96.0.1');
    expect(allocate(c, new Set(['10.96.0.1', '10.96.0.2']))).to.equal('10.96.0.3');
    const tiny = parseCidr('192.168.0.4/30');
    expect(allocate(tiny, new Set(['192.168.0.5']))).to.equal('192.168.0.6');
    expect(() => allocate(tiny, new Set(['192.168.0.5', '192.168.0.6']))).to.throw(StatusError, 'range is full');
    expect(() => parseCidr('10.96.0.0')).to.throw('invalid --service-cluster-ip-range');
  });
});
