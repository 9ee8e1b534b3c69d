import { expect } from 'chai';
import ts from 'typescript';
import { suggest } from '../../lib/util/suggest.js';

// The "did you mean" of a misspelled role variable is the one tsc would give: checked against
// TypeScript's own getSpellingSuggestion (internal API, so reached through an untyped view).
const tscSuggest = (ts as unknown as { getSpellingSuggestion(name: string, candidates: string[], key: (s: string) => string): string | undefined }).getSpellingSuggestion;

const NAMES = ['myapp_port', 'myapp_dir', 'myapp_mode', 'etcd_data_dir', 'etcd_client_port', 'etcd_peer_port', 'etcd_tls', 'kube_version', 'drain_timeout', 'drain_retries', 'id', 'ab'];
const TYPOS = ['myapp_prot', 'myapp_dri', 'MYAPP_PORT', 'myap_port', 'myapp_ports', 'etcd_dta_dir', 'etcd_client_prot', 'etcd_tsl', 'kube_verison', 'drain_timout', 'drain_retry', 'xyz', 'completely_else', 'Id', 'ac', 'etcd_port'];

describe('did-you-mean suggestions', () => {
  for (const typo of TYPOS) {
    it(`'${typo}' gets tsc's suggestion`, () => {
      expect(suggest(typo, NAMES)).to.equal(tscSuggest(typo, NAMES, (s) => s));
    });
  }

  it('suggests the intended name for the usual slips', () => {
    expect(suggest('myapp_prot', NAMES)).to.equal('myapp_port');
    expect(suggest('MYAPP_PORT', NAMES)).to.equal('myapp_port');
    expect(suggest('completely_else', NAMES)).to.equal(undefined);
  });
});
