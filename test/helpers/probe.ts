import { defineModule, type ModuleContext, type ModuleResult } from '../../lib/index.js';

// A module for executor tests: it records what the executor handed it (rendered args, check and
// diff flags, the vars it sees) and answers with whatever the test says, so a test can check the
// executor's side of a task (loops, until, noLog, delegation, errors) without a real module.

export type ProbeResult = ModuleResult & Record<string, unknown>;

export interface ProbeCall {
  host: string;
  args: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  ctx: ModuleContext;
}

export interface Probe {
  /** the module factory to use in tasks */
  readonly module: ReturnType<typeof makeModule>;
  /** every call, in order */
  readonly calls: ProbeCall[];
  /** what the next calls answer (default: `{ changed: false }`); may throw */
  answer: (args: Record<string, unknown>, ctx: ModuleContext, n: number) => ProbeResult | Promise<ProbeResult>;
  /** the value a template variable had in the vars of the nth call */
  seen(name: string, n?: number): unknown;
}

function makeModule(onRun: (args: Record<string, unknown>, ctx: ModuleContext) => Promise<ProbeResult>) {
  return defineModule<Record<string, unknown>, ProbeResult>({
    name: 'probe',
    // any args; `raw` is not templated (as the template module's src is not)
    schema: { type: 'object' },
    rawArgs: ['raw'],
    run: onRun,
  });
}

export function probe(): Probe {
  const calls: ProbeCall[] = [];
  const p: Probe = {
    calls,
    answer: () => ({ changed: false }),
    seen: (name, n = calls.length - 1) => calls[n].ctx.vars[name],
    module: makeModule(async (args, ctx) => {
      calls.push({ host: ctx.host, args, check: ctx.check, diff: ctx.diff, ctx });
      return p.answer(args, ctx, calls.length);
    }),
  };
  return p;
}
