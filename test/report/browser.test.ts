// tsplay report's page in a real browser: Debian's chromium renders it headless to a PNG, and the
// pixels must show each host's bars where their times put them, in their status colours.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTimeline, renderTimeline, type StampedEvent } from '../../lib/report/timeline.js';
import { readPng, type Image } from '../helpers/png.js';

const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, installed when missing (CI machines start bare; the test needs the real one). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const apt = (args: string[]): void => void execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  try {
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  } catch {
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  }
}

const hex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
const OK = hex('#3a9d5d');
const CHANGED = hex('#d9a400');
const FAILED = hex('#d23c3c');
const near = (p: [number, number, number], c: [number, number, number]): boolean => p.every((v, i) => Math.abs(v - c[i]) <= 6);

/** x range [first, last] where `color` appears in rows y0..y1, or undefined. */
function span(img: Image, color: [number, number, number], y0: number, y1: number): [number, number] | undefined {
  let first = -1;
  let last = -1;
  for (let x = 0; x < img.width; x++) {
    for (let y = y0; y <= y1; y++) {
      if (near(img.at(x, y), color)) {
        if (first < 0) first = x;
        last = x;
        break;
      }
    }
  }
  return first < 0 ? undefined : [first, last];
}

/** rows where `color` runs at least 20 px wide (a bar; the legend's swatches are 12 px): [top, bottom] */
function rows(img: Image, color: [number, number, number]): [number, number] | undefined {
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < img.height; y++) {
    let run = 0;
    for (let x = 0; x < img.width && run < 20; x++) run = near(img.at(x, y), color) ? run + 1 : 0;
    if (run >= 20) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  return top < 0 ? undefined : [top, bottom];
}

describe('tsplay report in headless chromium', function () {
  this.timeout(900_000);
  let dir: string;
  before(() => {
    ensureChromium();
    dir = mkdtempSync(join(tmpdir(), 'tsplay-browser-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('draws each bar at its time and in its status colour', () => {
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    const ts = (ms: number): string => new Date(t0 + ms).toISOString();
    const events: StampedEvent[] = [
      { ts: ts(0), type: 'run_start', playbook: 'upgrade', check: false, diff: false },
      { ts: ts(0), type: 'play_start', play: 'nodes', index: 0, hosts: ['k1-node01', 'k1-node02'] },
      { ts: ts(2500), type: 'host_result', task: 'drain', host: 'k1-node01', status: 'ok', changed: false, durationMs: 2500 },
      { ts: ts(6000), type: 'host_result', task: 'upgrade kubelet', host: 'k1-node02', status: 'failed', changed: false, durationMs: 4000 },
      { ts: ts(10000), type: 'host_result', task: 'upgrade kubelet', host: 'k1-node01', status: 'changed', changed: true, durationMs: 5000 },
    ];
    const page = join(dir, 'run.html');
    writeFileSync(page, renderTimeline(buildTimeline(events)));
    const shot = join(dir, 'shot.png');
    const r = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1', '--window-size=1200,400', `--screenshot=${shot}`, `file://${page}`], { encoding: 'utf8', timeout: 120_000 });
    expect(existsSync(shot), r.stderr).to.equal(true);
    const img = readPng(readFileSync(shot));
    expect([img.width, img.height]).to.deep.equal([1200, 400]);

    const a = rows(img, OK);
    const b = rows(img, FAILED);
    if (!a || !b) throw new Error(`no bars drawn (ok rows ${String(a)}, failed rows ${String(b)})`);
    expect(a[1], 'node01 is drawn above node02').to.be.below(b[0]);
    expect(a[1] - a[0], 'a bar is about 14 px high').to.be.within(10, 16);
    const okSpan = span(img, OK, a[0], a[1])!;
    const changedSpan = span(img, CHANGED, a[0], a[1])!;
    const failedSpan = span(img, FAILED, b[0], b[1])!;
    // the track runs from the drain bar's left edge (0 s) to the kubelet bar's right edge (10 s)
    const left = okSpan[0];
    const width = changedSpan[1] + 1 - left;
    const x = (s: number): number => left + (width * s) / 10;
    const close = (got: number, want: number): void => void expect(Math.abs(got - want), `${got} vs ${want}`).to.be.at.most(3);
    close(okSpan[1], x(2.5));
    close(changedSpan[0], x(5));
    close(failedSpan[0], x(2));
    close(failedSpan[1], x(6));
    expect(width).to.be.above(600);
  });
});
