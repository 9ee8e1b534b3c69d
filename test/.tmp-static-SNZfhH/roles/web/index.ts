import { defineRole, roleVars, v, template, command, set_fact } from '../../../../lib/index.js';
export default defineRole({
  name: 'web',
  vars: roleVars({ web_port: v.integer(), web_root: v.string() }),
  defaults: { web_port: 80, web_root: '/srv/{{ web_prot }}' },
  tasks: (t) => {
    t.task('facts', set_fact({ computed: 'x' }));
    t.task('ask', command('echo {{ web_port }}'), { register: 'asked', changedWhen: false });
    t.task('conf', template({ src: 'site.conf.njk', dest: '{{ web_root }}/site.conf' }));
    t.task('typo in an arg', command('echo {{ web_rot }}'), { when: 'asked.rc == 0 and computed is defined' });
    t.task('bad when', command('true'), { when: 'undeclared_flag' });
  },
});
