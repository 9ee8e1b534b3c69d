# What Ansible's INI inventory plugin stores for each value read from stdin (a JSON list):
# ast.literal_eval, bytes made text, as JSON; {"text": true} when the value stays the text
# (not a literal, or a Python value JSON cannot hold: complex, set, Ellipsis, ints past 2**53).
import ast, json, sys, warnings
def conv(v):
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, int):
        if abs(v) > 2**53 - 1: raise TypeError('big')
        return v
    if isinstance(v, float): return v
    if isinstance(v, (list, tuple)): return [conv(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if isinstance(k, (list, dict, tuple, bytes)) : raise TypeError('key')
            out[json.loads(json.dumps({k: 0})).popitem()[0]] = conv(x)
        return out
    raise TypeError(type(v).__name__)
res = []
for s in json.load(sys.stdin):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            v = ast.literal_eval(s)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        res.append({'text': True}); continue
    if isinstance(v, bytes): v = v.decode('utf-8')
    try: res.append({'value': conv(v)})
    except TypeError: res.append({'text': True})
json.dump(res, sys.stdout)
