import { expect } from 'chai';
import { createReporter } from '../../lib/report/index.js';
import type { RunEvent } from '../../lib/report/events.js';
import { BufferStream, SCRIPT } from './script.js';

async function runJson(events: RunEvent[], secrets?: string[]): Promise<string> {
  const out = new BufferStream();
  const r = createReporter({ mode: 'json', out, diff: false, verbosity: 0, secrets });
  for (const ev of events) r.emit(ev);
  await r.close();
  return out.text;
}

describe('json reporter (--json)', () => {
  it('writes one parsable line per event, in order, each the event plus an ISO ts', async () => {
    const text = await runJson(SCRIPT);
    expect(text.endsWith('\n')).to.equal(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).to.have.length(SCRIPT.length);
    lines.forEach((line, i) => {
      const { ts, ...event } = JSON.parse(line) as { ts: string } & Record<string, unknown>;
      expect(new Date(ts).toISOString()).to.equal(ts);
      expect(event).to.deep.equal(SCRIPT[i]);
    });
  });

  it('keeps diffs (even with --diff off: consumers decide) and adds nothing else', async () => {
    const changed = SCRIPT.find((e) => e.type === 'host_result' && e.diff && e.status === 'changed');
    const [line] = (await runJson([changed!])).trimEnd().split('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).to.deep.equal(['ts', ...Object.keys(changed!)].sort());
    expect(parsed.diff).to.deep.equal((changed as { diff: unknown }).diff);
  });

  it('masks known secrets inside strings and stays valid JSON', async () => {
    const secret = 'pa"ss\\word';
    const text = await runJson([{ type: 'log', host: 'a', message: `password is ${secret}` }], [secret]);
    expect(JSON.parse(text)).to.include({ message: 'password is ********' });
    expect(text).not.to.include(JSON.stringify(secret).slice(1, -1));
  });
});
