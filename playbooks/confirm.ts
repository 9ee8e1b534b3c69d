import type { TaskBuilder, Vars } from '../lib/index.js';
import { fail, pause } from '../lib/index.js';

/**
 * kubespray's confirmation before a destructive playbook: a prompt asked once (unless
 * skip_confirmation, or `accepted` says it was given on the command line), and every host fails
 * unless the answer is exactly `yes`. A prompt that cannot be answered (stdin is not a terminal)
 * gets no answer, so nothing is touched.
 */
export function confirmTasks(t: TaskBuilder<Vars>, o: { prompt: string; register: string; failMsg: string; skipWhen: string; acceptedWhen: string }): void {
  t.task('confirmation', pause({ prompt: o.prompt }), { register: o.register, runOnce: true, when: `not (${o.skipWhen})` });
  t.task('check confirmation', fail({ msg: o.failMsg }), { when: `not (${o.skipWhen}) and not (${o.acceptedWhen})` });
}
