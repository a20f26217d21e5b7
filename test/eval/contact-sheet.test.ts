import { describe, expect, it } from "vitest";
import { composeSheet, GAP } from "../../engine/eval/contact-sheet.ts";
import type { RgbFrame } from "../../engine/types.ts";

const solid = (w: number, h: number, v: number): RgbFrame => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) });
const at = (f: RgbFrame, x: number, y: number) => f.data[(y * f.width + x) * 3];

describe("composeSheet", () => {
  it("puts each cell's truth left of its model frame, row by row, GAP pixels apart", () => {
    const pairs: Array<[RgbFrame, RgbFrame]> = [1, 2, 3].map((k) => [solid(4, 3, 10 * k), solid(4, 3, 10 * k + 5)]);
    const sheet = composeSheet(pairs, 2);
    const cellW = 2 * 4 + GAP;
    expect(sheet.width).toBe(GAP + 2 * (cellW + GAP));
    expect(sheet.height).toBe(GAP + 2 * (3 + GAP));
    expect(at(sheet, GAP, GAP)).toBe(10);                         // cell 1, truth
    expect(at(sheet, GAP + 4 + GAP, GAP)).toBe(15);               // cell 1, model
    expect(at(sheet, GAP + cellW + GAP, GAP + 2)).toBe(20);       // cell 2, same row
    expect(at(sheet, GAP + 4 + GAP + 3, GAP + 3 + GAP)).toBe(35); // cell 3, second row, model's last column
    expect(at(sheet, GAP + 4, GAP)).toBe(255);                    // the gap between a cell's two frames
    expect(at(sheet, GAP + cellW + GAP, GAP + 3 + GAP)).toBe(255); // the empty fourth cell
  });

  it("refuses frames of another size and an empty sheet", () => {
    expect(() => composeSheet([[solid(4, 3, 0), solid(4, 4, 0)]], 1)).toThrow(/4×4/);
    expect(() => composeSheet([], 5)).toThrow(/at least one/);
    expect(() => composeSheet([[solid(2, 2, 0), solid(2, 2, 0)]], 0)).toThrow(/cols/);
  });
});
