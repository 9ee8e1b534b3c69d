// How long `lab up` takes for eight hosts (the size of inventory/lab/lab.ini), and `lab down`.
// Prints timings; asserts nothing. Run as root: npx tsx bench/lab-up.ts
// Uses 127.0.31.x and a temp state dir, so a lab started from inventory/lab/lab.ini is not touched.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labDown, labStatus, labUp, type LabHostSpec } from '../lib/lab/index.js';

const hosts: LabHostSpec[] = [
  ...[1, 2, 3].map((n) => ({ name: `k1-master0${n}`, address: `127.0.31.${n}` })),
  ...[1, 2, 3, 4, 5].map((n) => ({ name: `k1-node0${n}`, address: `127.0.31.${n + 3}` })),
];
const stateDir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-lab-bench-'));
try {
  let t = performance.now();
  const state = await labUp(hosts, { stateDir, users: [{ name: 'ops', password: 'bench', sudo: 'password' }] });
  console.log(`lab up, ${state.hosts.length} hosts (cold: keys generated): ${(performance.now() - t).toFixed(0)} ms`);
  t = performance.now();
  await labUp(hosts, { stateDir });
  console.log(`lab up again (all running, idempotent): ${(performance.now() - t).toFixed(0)} ms`);
  t = performance.now();
  const st = await labStatus(stateDir);
  console.log(`lab status: ${(performance.now() - t).toFixed(0)} ms, answering ${st.filter((s) => s.answers).length}/${st.length}`);
} finally {
  const t = performance.now();
  await labDown(stateDir);
  console.log(`lab down: ${(performance.now() - t).toFixed(0)} ms`);
}
