// Which certSANs the running API server's certificate must carry on one control-plane host
// (roles/kubernetes-control-plane: the check before it would fail the run): every name and address
// a client reaches *this* host by, not the other masters' own names and addresses, so a master
// added later (cluster.ts without --limit) does not fail the masters already running.
import { expect } from 'chai';
import { renderString } from '../../lib/template/index.js';
import { OTHER_MASTERS } from '../../roles/kubernetes-control-plane/index.js';

const CP = ['k1-master01', '10.0.0.1', 'k1-master02', '10.0.0.2', 'k1-master03', '10.0.0.3', 'k1-master04', '10.0.0.4'];
const BASE = ['kubernetes', 'kubernetes.default', '10.233.0.1', 'localhost', '127.0.0.1', 'lb.example'];
const required = (vars: Record<string, unknown>): string[] =>
  renderString(`{{ apiserver_sans | difference(${OTHER_MASTERS}) | join(' ') }}`, {
    apiserver_sans: [...BASE, ...CP, '10.9.9.9'],
    apiserver_sans_control_plane: CP,
    apiserver_loadbalancer_domain_name: 'lb.example',
    supplementary_addresses_in_ssl_keys: ['10.9.9.9'],
    ...vars,
  }, { name: 'sans-check', host: String(vars.inventory_hostname) }).split(' ');

describe('control plane: the API certificate names checked on a running master', () => {
  it('its own name and address (ip), the load balancer, the supplementary addresses; not the other masters\'', () => {
    expect(required({ inventory_hostname: 'k1-master02', ip: '10.0.0.2' })).to.deep.equal([...BASE, 'k1-master02', '10.0.0.2', '10.9.9.9']);
  });
  it('the address is access_ip, else ip, else ansible_host, as apiserver_sans_control_plane takes it', () => {
    expect(required({ inventory_hostname: 'k1-master03', access_ip: '10.0.0.3', ip: '192.0.2.1' })).to.include('10.0.0.3').and.not.include('10.0.0.2');
    expect(required({ inventory_hostname: 'k1-master03', ansible_host: '10.0.0.3' })).to.include('10.0.0.3').and.not.include('10.0.0.1');
  });
  it('a master whose address is also the load balancer\'s (or a supplementary address) stays required everywhere', () => {
    const sans = required({ inventory_hostname: 'k1-master02', ip: '10.0.0.2', loadbalancer_apiserver: { address: '10.0.0.1', port: 8383 }, supplementary_addresses_in_ssl_keys: ['10.9.9.9', '10.0.0.4'] });
    expect(sans).to.include.members(['10.0.0.1', '10.0.0.4', 'k1-master02', '10.0.0.2']);
    expect(sans).to.not.include.oneOf(['k1-master01', 'k1-master03', '10.0.0.3', 'k1-master04']);
  });
});
