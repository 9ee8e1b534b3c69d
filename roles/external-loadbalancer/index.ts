import { apt, assert, defineRole, file, systemd, template, type TaskBuilder } from '../../lib/index.js';
import { externalLbVars, type ExternalLbVars } from './vars.js';

export { externalLbVars, type ExternalLbVars } from './vars.js';

// kubespray's external `loadbalancer_apiserver`, built on the control-plane hosts the way seed 002
// shows it (haproxy and keepalived from the distribution, run by systemd): haproxy on every
// control-plane host listens on loadbalancer_apiserver.port and spreads connections over every
// apiserver; keepalived holds loadbalancer_apiserver.address on one of them. Both are off unless
// switched on, so a kubespray inventory with its own load balancer is unchanged. Every config is
// checked by its own tool before it replaces the live one.

export default defineRole({
  name: 'external-loadbalancer',
  vars: externalLbVars,
  defaults: {
    loadbalancer_apiserver_haproxy: false,
    loadbalancer_apiserver_haproxy_bind_address: '*',
    loadbalancer_apiserver_haproxy_state: 'started',
    loadbalancer_apiserver_keepalived: false,
    loadbalancer_apiserver_keepalived_interface: "{{ ansible_default_ipv4.interface | default('eth0') }}",
    loadbalancer_apiserver_keepalived_router_id: 51,
    loadbalancer_apiserver_keepalived_priority:
      "{{ 150 - (groups['kube_control_plane'].index(inventory_hostname) if inventory_hostname in groups['kube_control_plane'] else 0) }}",
    loadbalancer_apiserver_keepalived_cidr: 32,
    loadbalancer_apiserver_keepalived_state: 'started',
    kube_apiserver_port: 6443,
    kube_apiserver_bind_address: '::',
    haproxy_config_dir: '/etc/haproxy',
    keepalived_config_dir: '/etc/keepalived',
    haproxy_config_validate: 'haproxy -c -f %s',
    keepalived_config_validate: 'keepalived -t -f %s',
  },
  handlers: {
    'reload haproxy': { call: systemd({ name: 'haproxy', state: 'reloaded' }), opts: { when: "loadbalancer_apiserver_haproxy_state == 'started'" } },
    'restart keepalived': { call: systemd({ name: 'keepalived', state: 'restarted' }), opts: { when: "loadbalancer_apiserver_keepalived_state == 'started'" } },
  },
  tasks: (t) => {
    t.block('external API load balancer', (b) => externalTasks(b), {
      when: ['loadbalancer_apiserver_haproxy or loadbalancer_apiserver_keepalived', "inventory_hostname in (groups['kube_control_plane'] | default([]))"],
    });
  },
});

const EVERY_ADDRESS = "['*', '0.0.0.0', '::', '']";

function externalTasks(t: TaskBuilder<ExternalLbVars>): void {
  t.task(
    'the load balancer has an address and port',
    assert({
      that: ['loadbalancer_apiserver is defined'],
      fail_msg:
        "loadbalancer_apiserver_haproxy/loadbalancer_apiserver_keepalived need loadbalancer_apiserver: {address: <VIP>, port: <port>} (kubespray's variable); set it in group_vars/all",
      quiet: true,
    }),
  );
  // kube-apiserver listens on every address by default (kubespray's ha-mode.md): haproxy beside it
  // then needs another port, or both need their own address
  t.task(
    'haproxy and kube-apiserver do not want the same port',
    assert({
      that: [
        `loadbalancer_apiserver.port != kube_apiserver_port or (loadbalancer_apiserver_haproxy_bind_address not in ${EVERY_ADDRESS} and kube_apiserver_bind_address not in ${EVERY_ADDRESS} and loadbalancer_apiserver_haproxy_bind_address != kube_apiserver_bind_address)`,
      ],
      fail_msg:
        "haproxy would listen on port {{ loadbalancer_apiserver.port }} where kube-apiserver listens too (kube_apiserver_bind_address {{ kube_apiserver_bind_address }}); give loadbalancer_apiserver another port (kubespray's ha-mode example uses 8383), or bind both to their own addresses",
      quiet: true,
    }),
    { when: 'loadbalancer_apiserver_haproxy' },
  );
  t.block('haproxy', (b) => haproxyTasks(b), { when: 'loadbalancer_apiserver_haproxy' });
  t.block('keepalived', (b) => keepalivedTasks(b), { when: 'loadbalancer_apiserver_keepalived' });
}

function haproxyTasks(t: TaskBuilder<ExternalLbVars>): void {
  t.task('haproxy package', apt({ name: 'haproxy', state: 'present' }), { register: 'ext_haproxy_pkg' });
  t.task('haproxy config dir', file({ path: '{{ haproxy_config_dir }}', state: 'directory', mode: '0755', owner: 'root' }));
  t.task(
    'haproxy config (checked by haproxy before it is put in place)',
    template({ src: 'haproxy.cfg.njk', dest: '{{ haproxy_config_dir }}/haproxy.cfg', owner: 'root', mode: '0644', validate: '{{ haproxy_config_validate }}' }),
    { notify: 'reload haproxy' },
  );
  t.task(
    'haproxy service',
    systemd((h) => ({ name: 'haproxy', state: h.vars.loadbalancer_apiserver_haproxy_state, enabled: h.vars.loadbalancer_apiserver_haproxy_state === 'started' })),
    { when: 'not (ansible_check_mode and ext_haproxy_pkg.changed)' },
  );
}

function keepalivedTasks(t: TaskBuilder<ExternalLbVars>): void {
  t.task('keepalived package', apt({ name: 'keepalived', state: 'present' }), { register: 'ext_keepalived_pkg' });
  t.task('keepalived config dir', file({ path: '{{ keepalived_config_dir }}', state: 'directory', mode: '0755', owner: 'root' }));
  t.task(
    'keepalived config (checked by keepalived before it is put in place)',
    template({ src: 'keepalived.conf.njk', dest: '{{ keepalived_config_dir }}/keepalived.conf', owner: 'root', mode: '0600', validate: '{{ keepalived_config_validate }}' }),
    { notify: 'restart keepalived', noLog: (h) => h.vars.loadbalancer_apiserver_keepalived_auth_pass !== undefined },
  );
  t.task(
    'keepalived service',
    systemd((h) => ({ name: 'keepalived', state: h.vars.loadbalancer_apiserver_keepalived_state, enabled: h.vars.loadbalancer_apiserver_keepalived_state === 'started' })),
    { when: 'not (ansible_check_mode and ext_keepalived_pkg.changed)' },
  );
}
