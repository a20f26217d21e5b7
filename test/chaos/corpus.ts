// Hostile inputs for the chaos bench, drawn from a seeded generator so a run can be repeated: the shapes that broke
// things before (one space, paths, URLs, option-like text, huge, empty, invisible, other scripts, control characters,
// broken quotes and flags), mixed and cut at random.
export class Rng {
  constructor(private s: number) {}
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const SEEDS = [
  "hello there", "a star", "ball /tmp/owned.mp4", "ball http://127.0.0.1:9/x.mp4", "file:///etc/passwd", "../../etc/passwd",
  "-i /etc/passwd", "-metadata title=x", "--seed", "--seed 99999999999", "--ar 0:0", "--neg", '--neg "unclosed', "—raw",
  "--steps -1", "--gs NaN", "--seconds 1e309", "\u200b\u200b", "\u202e\u200f", "\u0000\u0001\u0007", "赤いボール 🎈",
  // eslint-disable-next-line no-template-curly-in-string -- a literal "${…}" is one of the hostile inputs
  "𝕒 𝕓 𝕔", "'; DROP TABLE clips; --", "<script>alert(1)</script>", "{{prompt}}", "%s%s%n", "${process.env}", "\n\n\n",
  "", " ", "remix:", "remezcla: de noche", "clip_", "clip_../x", "sora:cancel:", "a".repeat(5000), "🎈".repeat(700),
  "a red ball bouncing", "queue", "info", "cancel", "cancel playground-x", "/sora", "/nope", "null", "undefined", "NaN",
];

/** One hostile string: a seed, a mix of two, or a random cut of one. */
export function hostileText(r: Rng): string {
  const a = r.pick(SEEDS);
  switch (r.int(4)) {
    case 0:
      return a;
    case 1:
      return `${a} ${r.pick(SEEDS)}`;
    case 2:
      return a.slice(0, r.int(a.length + 1));
    default:
      return Array.from({ length: 1 + r.int(20) }, () => String.fromCodePoint(r.pick([0x20, 0x0a, 0x2d, 0x22, 0x200b, 0x3042, 0x1f388, 0x7f, 0x2f, 0x3a]) + r.int(3))).join("");
  }
}

/** A value of any JSON-ish type, for fields that expect one type. */
export function hostileValue(r: Rng): unknown {
  switch (r.int(8)) {
    case 0: return r.int(2) === 0;
    case 1: return r.pick([0, -1, NaN, 2 ** 53, 0.5, -0.0001, 1e6]);
    case 2: return null;
    case 3: return [hostileText(r)];
    case 4: return { nested: hostileText(r) };
    case 5: return undefined;
    default: return hostileText(r);
  }
}
