# Renders each case with ansible-core's own Templar (what the template action and every task
# argument use): reads [{template, vars, basedir}] as JSON on stdin, writes [{ok, out|error}].
# do_template(..., escape_backslashes=False) is exactly the template action's call.
import json
import sys

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

cases = json.load(sys.stdin)
loader = DataLoader()
out = []
for c in cases:
    loader.set_basedir(c.get('basedir') or '.')
    templar = Templar(loader=loader, variables=c.get('vars') or {})
    try:
        res = templar.do_template(c['template'], preserve_trailing_newlines=True, escape_backslashes=False)
        out.append({'ok': True, 'out': res if isinstance(res, str) else str(res)})
    except Exception as e:  # the message is what the test shows when the two differ
        out.append({'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})
json.dump(out, sys.stdout)
