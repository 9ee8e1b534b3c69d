// Python 3.11's random.Random(seed): the Mersenne Twister (MT19937) seeded by init_by_array
// from the seed's 32-bit words, a str seed first made an int from its UTF-8 bytes followed by
// their SHA-512 (seed version 2). Ansible's `random(seed=inventory_hostname)` and
// `shuffle(seed=...)` use it, so the same seed must pick the same item as Ansible does.

import { createHash, randomBytes } from 'node:crypto';

const N = 624;
const M = 397;

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: string | number | bigint | boolean | null) {
    this.initByArray(seedWords(seed));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
    }
    mt[0] = 0x80000000;
  }

  private genrandUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      const mag = (y: number) => (y & 1 ? 0x9908b0df : 0);
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ mag(y);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ mag(y);
      }
      const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ mag(y);
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** getrandbits(k): 32-bit words, least significant first, the last one cut to what is left. */
  getrandbits(k: number): bigint {
    if (k <= 0) return 0n;
    let out = 0n;
    let shift = 0n;
    for (let left = k; left > 0; left -= 32) {
      let r = this.genrandUint32();
      if (left < 32) r >>>= 32 - left;
      out |= BigInt(r) << shift;
      shift += 32n;
    }
    return out;
  }

  /** _randbelow_with_getrandbits: a uniform int in [0, n). */
  randbelow(n: bigint): bigint {
    const k = n.toString(2).length;
    let r = this.getrandbits(n === 0n ? 0 : k);
    while (r >= n && n > 0n) r = this.getrandbits(k);
    return r;
  }

  randrange(start: bigint, stop: bigint, step: bigint): bigint {
    const width = stop - start;
    if (step === 1n) {
      if (width > 0n) return start + this.randbelow(width);
      throw new Error(`empty range in randrange(${start}, ${stop})`);
    }
    let n: bigint;
    if (step > 0n) n = floorDiv(width + step - 1n, step);
    else if (step < 0n) n = floorDiv(width + step + 1n, step);
    else throw new Error('zero step for randrange()');
    if (n <= 0n) throw new Error('empty range for randrange()');
    return start + step * this.randbelow(n);
  }

  choice<T>(seq: T[]): T {
    if (!seq.length) throw new Error('Cannot choose from an empty sequence');
    return seq[Number(this.randbelow(BigInt(seq.length)))]!;
  }

  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = Number(this.randbelow(BigInt(i + 1)));
      [x[i], x[j]] = [x[j]!, x[i]!];
    }
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** The key init_by_array gets: abs(seed) as 32-bit words, least significant first. */
function seedWords(seed: string | number | bigint | boolean | null): number[] {
  let n: bigint;
  if (seed === null) n = BigInt(`0x${randomBytes(32).toString('hex')}`);
  else if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    n = BigInt(`0x${all.toString('hex')}`);
  } else if (typeof seed === 'boolean') n = seed ? 1n : 0n;
  else if (typeof seed === 'bigint') n = seed;
  else if (Number.isInteger(seed)) n = BigInt(seed);
  else throw new Error('a float seed is not supported (Python hashes it); use an int or a string');
  if (n < 0n) n = -n;
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words.length ? words : [0];
}
