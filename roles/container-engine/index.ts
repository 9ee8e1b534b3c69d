import { apt, defineRole, file, roleVars, systemd, template, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { addonDefaults, addonShape } from '../kubespray-defaults/index.js';

// containerd, as kubespray's container-engine/containerd role sets it up, from the distribution's
// package (kubespray downloads a release tarball; Debian's `containerd` package is the same
// daemon with its unit): /etc/containerd/config.toml with the runc runtime's SystemdCgroup
// matching the kubelet's systemd cgroup driver (seed 003), registry settings per host under
// certs.d (docker_insecure_registries: plain http or unverified TLS), restarted on change.

export const containerEngineVars = roleVars({
  ...addonShape,
  containerd_package: v.string(),
  containerd_cfg_dir: v.string(),
  containerd_storage_dir: v.string(),
  containerd_state_dir: v.string(),
  /** runc's SystemdCgroup; must agree with kubelet_cgroup_driver (systemd) */
  containerd_use_systemd_cgroup: v.boolean(),
  containerd_sandbox_image: v.string(),
  /** registry mirrors (kubespray's containerd_registries_mirrors) */
  containerd_registries_mirrors: v.array(v.object({
    prefix: v.string(),
    mirrors: v.array(v.object({ host: v.string(), capabilities: v.array(v.string()), skip_verify: v.boolean() })),
  })),
});
export type ContainerEngineVars = Infer<typeof containerEngineVars>;

/** the containerd unit exists (not so under --check when the package would be installed) */
const CONTAINERD_UNIT = 'not (ansible_check_mode and containerd_pkg.changed)';

export default defineRole({
  name: 'container-engine',
  vars: containerEngineVars,
  defaults: {
    ...addonDefaults,
    containerd_package: 'containerd',
    containerd_cfg_dir: '/etc/containerd',
    containerd_storage_dir: '/var/lib/containerd',
    containerd_state_dir: '/run/containerd',
    containerd_use_systemd_cgroup: true,
    containerd_sandbox_image: 'registry.k8s.io/pause:3.10',
    containerd_registries_mirrors: [],
  },
  handlers: {
    // under --check on a fresh host the package is not installed yet, so there is no unit to ask
    // about: starting it is part of what the install would do
    'restart containerd': { call: systemd({ name: 'containerd', state: 'restarted', daemon_reload: true }), opts: { when: CONTAINERD_UNIT } },
  },
  tasks: (t) => {
    t.task('containerd package', apt({ name: '{{ containerd_package }}', state: 'present', update_cache: true, cache_valid_time: 3600 }), { register: 'containerd_pkg' });
    t.task('containerd config dir', file({ path: '{{ containerd_cfg_dir }}', state: 'directory', mode: '0755' }));
    t.task('containerd config.toml', template({ src: 'config.toml.njk', dest: '{{ containerd_cfg_dir }}/config.toml', mode: '0644' }), { notify: 'restart containerd' });
    t.task('registry dirs', file({ path: '{{ containerd_cfg_dir }}/certs.d/{{ item }}', state: 'directory', mode: '0755' }), {
      loop: "{{ docker_insecure_registries + (containerd_registries_mirrors | map(attribute='prefix') | list) }}",
    });
    t.task('insecure registries', template({ src: 'hosts-insecure.toml.njk', dest: '{{ containerd_cfg_dir }}/certs.d/{{ item }}/hosts.toml', mode: '0644' }), {
      loop: '{{ docker_insecure_registries }}',
      notify: 'restart containerd',
    });
    t.task('registry mirrors', template({ src: 'hosts-mirrors.toml.njk', dest: '{{ containerd_cfg_dir }}/certs.d/{{ item.prefix }}/hosts.toml', mode: '0644' }), {
      loop: '{{ containerd_registries_mirrors }}',
      loopControl: { label: '{{ item.prefix }}' },
      notify: 'restart containerd',
    });
    t.task('containerd running and enabled', systemd({ name: 'containerd', state: 'started', enabled: true, daemon_reload: true }), { when: CONTAINERD_UNIT });
  },
});
