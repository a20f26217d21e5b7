// Calibration aid for the scorer's thresholds: renders training-split scenes (never the held-out set it is tested on),
// reads them back and prints per-class feature quantiles and confusion matrices.
// Usage: npx tsx engine/eval/calibrate.ts [count] [seed] [blur passes] [noise] [colour shift]
// (the last three damage the clips like a model's output would, see degrade.ts).
import { degradeClip } from "./degrade.ts";
import { clipFromPacked } from "./image.ts";
import { readClip } from "./read-clip.ts";
import { ASPECT_SIZES, ASPECTS } from "./sizes.ts";
import { Rng, SHAPES, renderScene, trainingScene } from "./synth-bridge.ts";
import type { ShapeFeatures } from "./shape-features.ts";

const count = Number(process.argv[2] ?? 300);
const rng = new Rng(Number(process.argv[3] ?? 7));
const damage = { blur: Number(process.argv[4] ?? 0), noise: Number(process.argv[5] ?? 0), shift: Number(process.argv[6] ?? 0) };
const feats = new Map<string, ShapeFeatures[]>();
const shapeConf = new Map<string, Map<string, number>>();
const motionConf = new Map<string, Map<string, number>>();
const motionStats = new Map<string, { stab: number[]; travel: number[]; area: number[] }>();
const bump = (m: Map<string, Map<string, number>>, a: string, b: string) => {
  if (!m.has(a)) m.set(a, new Map());
  m.get(a)!.set(b, (m.get(a)!.get(b) ?? 0) + 1);
};

for (let i = 0; i < count; i++) {
  const scene = trainingScene(rng);
  const aspect = ASPECTS[i % ASPECTS.length];
  const [width, height] = ASPECT_SIZES[aspect];
  const clip = degradeClip(clipFromPacked(renderScene(scene, { width, height, frames: 17 }), width, height, 17), { ...damage, seed: i });
  const reading = readClip(clip);
  for (const o of scene.objects) {
    const got = reading.objects.find((r) => r.color === o.color);
    const key = `${o.shape}/${o.size}`;
    bump(shapeConf, o.shape, got ? got.shape.shape : "missing");
    bump(motionConf, o.motion, got ? got.motion.motion : "missing");
    if (got) {
      if (!motionStats.has(o.motion)) motionStats.set(o.motion, { stab: [], travel: [], area: [] });
      const m = motionStats.get(o.motion)!;
      m.stab.push(got.motion.maskStability);
      m.travel.push(got.motion.travel);
      m.area.push(got.motion.logAreaChange);
    }
    if (got?.shape.features) {
      if (!feats.has(key)) feats.set(key, []);
      feats.get(key)!.push(got.shape.features);
    }
  }
}

const q = (v: number[], p: number) => v.slice().sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(p * v.length))];
const names = ["holeFrac", "solidity", "compactness", "h1", "h2", "h3", "h4", "h5", "h6"];
const value = (f: ShapeFeatures, n: string): number => (n.startsWith("h") && n.length === 2 ? f.harmonics[Number(n[1]) - 1] : f[n as keyof ShapeFeatures] as number);
console.log("feature quantiles (5% / 50% / 95%) per shape/size");
for (const shape of SHAPES) {
  for (const size of ["small", "medium", "large"]) {
    const f = feats.get(`${shape}/${size}`);
    if (!f) continue;
    const cols = names.map((n) => {
      const v = f.map((x) => value(x, n));
      return `${n.slice(0, 5)} ${q(v, 0.05).toFixed(2)}/${q(v, 0.5).toFixed(2)}/${q(v, 0.95).toFixed(2)}`;
    });
    console.log(`${`${shape}/${size}`.padEnd(16)} n=${String(f.length).padEnd(3)} ${cols.join(" ")}`);
  }
}
const printConf = (title: string, m: Map<string, Map<string, number>>) => {
  console.log(`\n${title} (true → read)`);
  for (const [a, row] of m) {
    const total = [...row.values()].reduce((x, y) => x + y, 0);
    const ok = row.get(a) ?? 0;
    const rest = [...row.entries()].filter(([b]) => b !== a).map(([b, n]) => `${b}:${n}`).join(" ");
    console.log(`${a.padEnd(9)} ${ok}/${total} (${((100 * ok) / total).toFixed(0)}%)  ${rest}`);
  }
};
printConf("shape", shapeConf);
printConf("motion", motionConf);
console.log("\nmotion readings (5% / 50% / 95%): mask stability, travel, ln area change");
const qs = (v: number[]) => `${q(v, 0.05).toFixed(2)}/${q(v, 0.5).toFixed(2)}/${q(v, 0.95).toFixed(2)}`;
for (const [m, st] of motionStats) console.log(`${m.padEnd(9)} stab ${qs(st.stab)}  travel ${qs(st.travel)}  lnArea ${qs(st.area)}`);
