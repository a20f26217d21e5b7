// One aligned text table for the evaluation rows, with the targets underneath.
import type { RowMetrics } from "./aggregate.ts";

export interface TableRow {
  name: string;
  /** null: the row could not be run (no model pack); `note` says why. */
  metrics: RowMetrics | null;
  note?: string;
  seconds?: number;
}

export const TARGETS = { colour: 0.9, direction: 0.85, shape: 0.75, flicker: 0.95, seam: 1.5 } as const;

const pct = (v: number | null) => (v === null ? "–" : `${(100 * v).toFixed(0)}%`);
const num = (v: number | null, d = 2) => (v === null ? "–" : v.toFixed(d));
/** Seam and loop ratios compare one step with the clip's typical step: in a clip that churns everywhere (flicker
 * below target) every step is large and the ratio says little, so such cells are marked with "!". */
const ratio = (v: number | null | undefined, n: number | undefined, m: RowMetrics) =>
  (v === null || v === undefined ? "–" : `${v.toFixed(2)}×${m.flicker !== null && m.flicker < TARGETS.flicker ? "!" : ""} (${n})`);

const COLUMNS: { head: string; cell: (m: RowMetrics) => string }[] = [
  { head: "n", cell: (m) => String(m.n) },
  { head: "colour", cell: (m) => pct(m.colour) },
  { head: "shape", cell: (m) => pct(m.shape) },
  { head: "count", cell: (m) => pct(m.count) },
  { head: "backgr.", cell: (m) => pct(m.background) },
  { head: "direction", cell: (m) => pct(m.direction) },
  { head: "motion", cell: (m) => pct(m.motion) },
  { head: "speed", cell: (m) => pct(m.speed) },
  { head: "flicker", cell: (m) => num(m.flicker) },
  { head: "seam", cell: (m) => ratio(m.seam, m.seamN, m) },
  { head: "seam (moving)", cell: (m) => ratio(m.movingSeam, m.movingSeamN, m) },
  { head: "loop", cell: (m) => ratio(m.loop, m.loopN, m) },
  { head: "loop (inside)", cell: (m) => ratio(m.loopSeam, m.loopSeamN, m) },
];

export function formatTable(rows: TableRow[]): string {
  const head = ["row", ...COLUMNS.map((c) => c.head), "time"];
  const body = rows.map((r) => {
    const time = r.seconds === undefined ? "" : `${r.seconds.toFixed(0)}s`;
    if (!r.metrics) return [r.name, ...COLUMNS.map(() => "n/a"), time];
    const m = r.metrics;
    return [r.name, ...COLUMNS.map((c) => c.cell(m)), time];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const out = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
  for (const r of rows) if (r.note) out.push(`${r.name}: ${r.note}`);
  out.push(
    `targets: colour ≥ ${pct(TARGETS.colour)}, direction ≥ ${pct(TARGETS.direction)}, shape ≥ ${pct(TARGETS.shape)}, ` +
      `flicker ≥ ${TARGETS.flicker}, seam ≤ ${TARGETS.seam}× (loop: same scale, ≤ ${TARGETS.seam}× plays seamlessly)`,
  );
  out.push(
    "colour/shape/motion per object; count/background per clip; direction/speed over translating objects; " +
      "seam/loop: mean ratio (items measured); seam (moving): extensions of items whose object travels; " +
      "loop: the wrap, last → first frame; loop (inside): the loop's clip → bridge seam; " +
      "! = flicker below target, so the ratio says little.",
  );
  return out.join("\n");
}
