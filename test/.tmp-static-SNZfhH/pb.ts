import { playbook } from '../../lib/index.js';
import web from './roles/web/index.js';
export default playbook('p', [{ hosts: 'web', roles: [web] }]);
