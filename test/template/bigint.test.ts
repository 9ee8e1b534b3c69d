import { expect } from 'chai';
import { renderString } from '../../lib/template/index.js';
import { evalNative } from '../../lib/template/env.js';

// Integers beyond 2^53 (etcd member IDs) stay exact through from_json, arithmetic, comparisons,
// formatting and to_json, as Python ints do. Expected texts are Python 3's.
const ID = '11529255657917183466'; // > 2^63 too: etcd IDs are uint64
const JSON_TEXT = `{"header":{"cluster_id":17237436991929493444},"members":[{"ID":${ID},"name":"etcd1"},{"ID":5,"name":"etcd2"}]}`;
const r = (t: string, vars: Record<string, unknown> = {}): string => renderString(t, { out: JSON_TEXT, ...vars }, { name: 'case' });

describe('template: ints beyond 2^53 stay exact', () => {
  it('from_json keeps the digits; str, int, to_json and to_yaml print them', () => {
    expect(r('{{ (out | from_json).members[0].ID }}')).to.equal(ID);
    expect(r('{{ (out | from_json).members[0].ID | int }}')).to.equal(ID);
    expect(r('{{ (out | from_json).members[0].ID | string }}')).to.equal(ID);
    expect(r('{{ (out | from_json).header | to_json }}')).to.equal('{"cluster_id": 17237436991929493444}');
    expect(r('{{ (out | from_json).header | to_yaml }}')).to.equal('{cluster_id: 17237436991929493444}\n');
    expect(r('{{ (out | from_json).members[0].ID | type_debug }}')).to.equal('int');
    expect(r("{{ '11529255657917183466' | int + 1 }}")).to.equal('11529255657917183467');
    expect(r("{{ ('id: 11529255657917183466\\nmode: 0644\\nn: 3' | from_yaml) | to_json }}")).to.equal('{"id": 11529255657917183466, "mode": 420, "n": 3}');
    expect(r("{{ ('n: 3' | from_yaml).n | type_debug }}")).to.equal('int');
  });

  it("formats as hex exactly: '%x' | format(id), '%x' % id, '{:x}'.format(id), '%d'", () => {
    const hex = BigInt(ID).toString(16); // a000_0000_0000_01ea
    expect(r("{{ '%x' | format((out | from_json).members[0].ID) }}")).to.equal(hex);
    expect(r("{{ '%x' % (out | from_json).members[0].ID }}")).to.equal(hex);
    expect(r("{{ '{:x}'.format((out | from_json).members[0].ID) }}")).to.equal(hex);
    expect(r("{{ '%016X' | format((out | from_json).members[1].ID) }}")).to.equal('0000000000000005');
    expect(r("{{ '%d' | format((out | from_json).members[0].ID) }}")).to.equal(ID);
  });

  it('does exact arithmetic and comparisons, mixing with small ints', () => {
    expect(r('{{ (out | from_json).members[0].ID + 1 }}')).to.equal('11529255657917183467');
    expect(r('{{ (out | from_json).members[0].ID - 11529255657917183000 }}')).to.equal('466');
    expect(r('{{ (out | from_json).members[0].ID // 2 }}')).to.equal('5764627828958591733');
    expect(r('{{ (out | from_json).members[0].ID % 1000 }}')).to.equal('466');
    expect(r('{{ 2 ** 64 }}')).to.equal('18446744073709551616');
    expect(r("{{ (out | from_json).members | map(attribute='ID') | sum }}")).to.equal('11529255657917183471');
    expect(r('{{ 9007199254740993 * 1 }}')).to.equal('9007199254740993');
    expect(r(`{{ (out | from_json).members[0].ID == ${ID} }}`)).to.equal('True');
    expect(r(`{{ (out | from_json).members[0].ID == ${BigInt(ID) + 1n} }}`)).to.equal('False');
    expect(r('{{ (out | from_json).members[0].ID > (out | from_json).members[1].ID }}')).to.equal('True');
    expect(r(`{{ (out | from_json).members | selectattr('ID', 'equalto', ${ID}) | map(attribute='name') | list }}`)).to.equal("['etcd1']");
  });

  it('a native expression hands the module the exact int', () => {
    expect(evalNative('(out | from_json).members[0].ID', { out: JSON_TEXT }, 'case')).to.equal(BigInt(ID));
  });
});
