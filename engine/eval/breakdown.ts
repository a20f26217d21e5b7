// Where a row's misses are: each scored attribute split by what was asked, with what the pixels showed instead, and
// the rates by how many objects the clip holds. The table says how often the model follows a prompt; this says which
// words it fails on (a colour it draws as its neighbour, diagonals read as axis moves, a second object losing its
// colour), which is what the next training change has to aim at.
import type { ObjectScore } from "./score.ts";
import type { ItemResult } from "./run.ts";

interface Attribute {
  name: string;
  /** The asked value, or null when the attribute does not apply to this object (direction of a still object). */
  asked: (o: ObjectScore) => string | null;
  ok: (o: ObjectScore) => boolean | null;
  /** What was read instead ("none" when no track matched the object). */
  read: (o: ObjectScore) => string;
}

const motionName = (motion: string, diagonal?: string) => (motion === "diagonal" && diagonal ? diagonal : motion);
const readMotion = (o: ObjectScore) => (o.read ? motionName(o.read.motion, o.read.diagonal) : "none");

const ATTRIBUTES: Attribute[] = [
  { name: "colour", asked: (o) => o.expected.color, ok: (o) => o.color, read: (o) => o.read?.color ?? "none" },
  { name: "shape", asked: (o) => o.expected.shape, ok: (o) => o.shape, read: (o) => o.read?.shape ?? "none" },
  {
    name: "motion",
    asked: (o) => motionName(o.expected.motion, o.expected.diagonal),
    ok: (o) => o.motion,
    read: readMotion,
  },
  {
    name: "direction",
    asked: (o) => (o.direction === null ? null : motionName(o.expected.motion, o.expected.diagonal)),
    ok: (o) => o.direction,
    read: readMotion,
  },
];

/** Objects an attribute applied to, and how many of them got it right. */
export interface Tally {
  hits: number;
  total: number;
}

function tally<K>(cells: Map<K, Tally>, key: K, ok: boolean): void {
  const cell = cells.get(key) ?? { hits: 0, total: 0 };
  cell.total++;
  if (ok) cell.hits++;
  cells.set(key, cell);
}

export interface AttributeBreakdown {
  name: string;
  /** Per asked value: hits and objects. */
  byAsked: Map<string, Tally>;
  /** Misses as "asked→read", most frequent first. */
  confusions: [string, number][];
}

export interface RowBreakdown {
  attributes: AttributeBreakdown[];
  /** Per objects in the clip: hits and objects per attribute. */
  byCount: Map<number, Map<string, Tally>>;
}

export function breakdown(items: ItemResult[]): RowBreakdown {
  const objects = items.flatMap((it) => it.score.objects);
  const attributes = ATTRIBUTES.map((a) => {
    const byAsked = new Map<string, Tally>();
    const confusions = new Map<string, number>();
    for (const o of objects) {
      const asked = a.asked(o);
      const ok = a.ok(o);
      if (asked === null || ok === null) continue;
      tally(byAsked, asked, ok);
      if (!ok) {
        const miss = `${asked}→${a.read(o)}`;
        confusions.set(miss, (confusions.get(miss) ?? 0) + 1);
      }
    }
    return { name: a.name, byAsked, confusions: [...confusions].sort((x, y) => y[1] - x[1]) };
  });
  // Binding: does an attribute hold as well for the second and third object as for a lone one?
  const byCount = new Map<number, Map<string, Tally>>();
  for (const it of items) {
    const n = it.score.objects.length;
    const rates = byCount.get(n) ?? new Map<string, Tally>();
    for (const o of it.score.objects) {
      for (const a of ATTRIBUTES) {
        const ok = a.ok(o);
        if (a.asked(o) !== null && ok !== null) tally(rates, a.name, ok);
      }
    }
    byCount.set(n, rates);
  }
  return { attributes, byCount };
}

const frac = (c: Tally) => `${c.hits}/${c.total}`;

export function formatBreakdown(name: string, items: ItemResult[], topConfusions = 8): string {
  const { attributes, byCount } = breakdown(items);
  const out = [`${name}: hits/objects by what was asked; misses as asked→read`];
  for (const a of attributes) {
    const asked = [...a.byAsked].sort((x, y) => y[1].total - x[1].total || x[0].localeCompare(y[0]));
    out.push(`  ${a.name.padEnd(9)} ${asked.map(([k, c]) => `${k} ${frac(c)}`).join("  ")}`);
    if (a.confusions.length) {
      out.push(`  ${"".padEnd(9)} misses: ${a.confusions.slice(0, topConfusions).map(([k, n]) => `${k} ${n}`).join(", ")}`);
    }
  }
  for (const n of [...byCount.keys()].sort((x, y) => x - y)) {
    const rates = byCount.get(n)!;
    out.push(`  clips with ${n} object${n === 1 ? "" : "s"}: ${ATTRIBUTES.filter((a) => rates.has(a.name))
      .map((a) => `${a.name} ${frac(rates.get(a.name)!)}`).join("  ")}`);
  }
  return out.join("\n");
}
