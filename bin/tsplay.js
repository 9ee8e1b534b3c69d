#!/usr/bin/env -S node --max-semi-space-size=2
// A small young generation: a controller's garbage is short-lived, and at 500 hosts the default
// lets the resident set grow by hundreds of MB before a scavenge (BENCHMARKS.md).
// Entry point: registers tsx so playbooks, roles and the engine load as TypeScript.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
