#!/usr/bin/env node
// Entry point: registers tsx so playbooks, roles and the engine load as TypeScript.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
