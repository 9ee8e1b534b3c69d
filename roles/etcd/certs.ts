import { copy, file, shell, slurp, template, type TaskBuilder } from '../../lib/index.js';
import type { EtcdVars } from './vars.js';

// The etcd PKI as kubespray lays it out (FACTS §3.2): made with openssl on the first etcd host,
// then copied from there to the other members (CA, their member- and admin- certificates) and to
// the control plane (CA and node- certificates for kube-apiserver). Unlike kubespray, nothing that
// is still valid is made again (force_etcd_cert_refresh defaults to false), so a second run
// changes nothing, and the CA key stays on the etcd members.

const FIRST = "{{ groups['etcd'][0] }}";

export function etcdCertTasks(t: TaskBuilder<EtcdVars>): void {
  t.task('etcd cert dir', file({ path: '{{ etcd_cert_dir }}', state: 'directory', mode: '0700' }));
  t.task('etcd scripts dir', file({ path: '{{ etcd_script_dir }}', state: 'directory', mode: '0755' }), { runOnce: true, delegateTo: FIRST });
  t.task('openssl.conf for the etcd PKI', template({ src: 'openssl.conf.njk', dest: '{{ etcd_config_dir }}/openssl.conf', mode: '0640' }), {
    runOnce: true,
    delegateTo: FIRST,
  });
  t.task('make-ssl-etcd.sh', copy({ src: 'make-ssl-etcd.sh', dest: '{{ etcd_script_dir }}/make-ssl-etcd.sh', mode: '0700' }), {
    runOnce: true,
    delegateTo: FIRST,
  });
  // runs in --check too, where the script only says what it would make; on a fresh host --check
  // has put neither the script nor its config in place: then everything would be made
  t.task('make the etcd certificates that are missing or no longer right', shell(
    'S={{ etcd_script_dir }}/make-ssl-etcd.sh; C={{ etcd_config_dir }}/openssl.conf; ' +
      'if [ -x "$S" ] && [ -r "$C" ]; then exec "$S" -f "$C" -d {{ etcd_cert_dir }}; fi; ' +
      '[ "$CHECK" = true ] || { echo "$S or $C is missing" >&2; exit 1; }; ' +
      'echo "would generate ca"; for h in $MASTERS; do echo "would generate member-$h"; echo "would generate admin-$h"; done; ' +
      'for h in $HOSTS; do echo "would generate node-$h"; done',
  ), {
    runOnce: true,
    delegateTo: FIRST,
    checkMode: false,
    register: 'etcd_certs_made',
    changedWhen: (r) => /generate/.test(String(r.stdout)),
    environment: {
      MASTERS: "{{ groups['etcd'] | join(' ') }}",
      HOSTS: "{{ etcd_cert_node_hosts | join(' ') }}",
      // the member addresses [alt_names] lists (openssl.conf.njk): one member's are not another's needs
      MEMBER_IPS: "{% for m in groups['etcd'] %}{{ m }}={{ hostvars[m]['ip'] | default(hostvars[m]['ansible_host']) }} {% endfor %}",
      DAYS: '{{ certificates_duration }}',
      KEYSIZE: '{{ certificates_key_size }}',
      RENEW_DAYS: '{{ etcd_cert_renew_days }}',
      FORCE: "{{ 'true' if force_etcd_cert_refresh else 'false' }}",
      CHECK: "{{ 'true' if ansible_check_mode else 'false' }}",
    },
  });
  // certificates that --check says would be made do not exist yet: nothing to copy
  const copyWhen = "inventory_hostname != groups['etcd'][0] and not (ansible_check_mode and etcd_certs_made.stdout is search('would generate'))";
  t.task('read this host\'s certificates on the first etcd host', slurp({ src: '{{ etcd_cert_dir }}/{{ item }}' }), {
    delegateTo: FIRST,
    loop: '{{ etcd_cert_files }}',
    register: 'etcd_cert_blobs',
    when: copyWhen,
    noLog: true,
  });
  t.task('install this host\'s certificates', copy({ dest: '{{ etcd_cert_dir }}/{{ item.item }}', content: '{{ item.content | b64decode }}', mode: '0640' }), {
    loop: '{{ etcd_cert_blobs.results | default([]) }}',
    when: copyWhen,
    noLog: true,
  });
}
