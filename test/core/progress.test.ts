import { describe, expect, it } from "vitest";
import { EditThrottle, type Clock } from "../../bot/core/edit-throttle.ts";
import { overallPercent, progressBar, renderProgress } from "../../commands/progress.ts";

/** A clock moved by hand: timers fire only inside advance(), so the test decides exactly when time passes. */
class HandClock implements Clock {
  private time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  now() {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.nextId;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(id: unknown) {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
  async advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

const settle = () => new Promise((r) => setImmediate(r));

describe("progress text", () => {
  it("draws a bar of the given width", () => {
    expect(progressBar(0, 10)).toBe("░░░░░░░░░░");
    expect(progressBar(50, 10)).toBe("█████░░░░░");
    expect(progressBar(100, 10)).toBe("██████████");
    expect(progressBar(140, 4)).toBe("████");
  });

  it("spreads stages over one 0..100 so the bar never runs backwards", () => {
    const seq = [
      { stage: "prepare", step: 1, steps: 1 }, { stage: "text", step: 1, steps: 1 },
      { stage: "denoise", step: 1, steps: 20 }, { stage: "denoise", step: 20, steps: 20 },
      { stage: "decode", step: 3, steps: 8 }, { stage: "encode", step: 1, steps: 1 }, { stage: "store", step: 1, steps: 1 },
    ].map((p) => overallPercent({ state: "running", ...p }));
    expect(seq).toEqual([...seq].sort((a, b) => a - b));
    expect(seq[3]).toBe(85);
    expect(Math.max(...seq)).toBeLessThan(100);
    expect(overallPercent({ state: "done" })).toBe(100);
  });

  it("renders queued, running, done, failed and cancelled in the reader's language", () => {
    expect(renderProgress({ state: "queued", position: 2, etaSeconds: 95 }, "en")).toBe("Waiting in line: position 3, starts in about 1 min 35 s");
    expect(renderProgress({ state: "queued", position: 0 }, "de")).toBe("In der Warteschlange: Platz 1");
    expect(renderProgress({ state: "running", stage: "denoise", step: 10, steps: 20, etaSeconds: 12 }, "en"))
      .toBe(`Painting frames: 45%, about 12 s left\n${progressBar(45)}`);
    expect(renderProgress({ state: "running", stage: "denoise", step: 10, steps: 20 }, "ja")).toMatch(/^フレームを描画中：45%\n/);
    expect(renderProgress({ state: "running", stage: "mystery", step: 1, steps: 2 }, "fr")).toMatch(/^En cours : 50 %/);
    expect(renderProgress({ state: "done" }, "es")).toBe(`Listo\n${progressBar(100)}`);
    expect(renderProgress({ state: "failed", reason: { key: "queue.unknownClip" } }, "pt-BR")).toBe("Falhou: O clipe de origem não existe mais.");
    expect(renderProgress({ state: "failed" }, "en")).toBe("Failed: The video engine hit an error.");
    expect(renderProgress({ state: "cancelled" }, "fr")).toBe("Annulé");
  });
});

describe("EditThrottle", () => {
  it("sends at most one edit per interval, drops stale states, and always sends the final one", async () => {
    const clock = new HandClock();
    const sent: string[] = [];
    const th = new EditThrottle<string>(async (v) => void sent.push(v), 1000, clock);
    th.push("1%");
    await settle();
    expect(sent).toEqual(["1%"]);
    th.push("2%");
    th.push("3%");
    await clock.advance(999);
    expect(sent).toEqual(["1%"]);
    await clock.advance(1);
    expect(sent).toEqual(["1%", "3%"]);
    th.push("4%");
    const done = th.finish("done");
    th.push("5%"); // after finish: ignored
    await clock.advance(1000);
    await done;
    expect(sent).toEqual(["1%", "3%", "done"]);
    await clock.advance(5000);
    expect(sent).toEqual(["1%", "3%", "done"]);
  });

  it("keeps edits in order even when one is slow, sends only the newest after it, and goes on after a failed edit", async () => {
    const clock = new HandClock();
    const sent: string[] = [];
    const errors: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const th = new EditThrottle<string>(async (v) => {
      if (v === "slow") await gate;
      if (v === "bad") throw new Error("429");
      sent.push(v);
    }, 100, clock, (e) => errors.push(e));
    th.push("slow");
    await clock.advance(100);
    th.push("stale");
    await clock.advance(100);
    th.push("bad");
    await clock.advance(100);
    expect(sent, "nothing overtakes the slow edit").toEqual([]);
    release();
    await settle();
    expect(errors, "the newest state went, and failed").toHaveLength(1);
    const done = th.finish("final");
    await clock.advance(100);
    await done;
    expect(sent).toEqual(["slow", "final"]);
  });

  it("starts edits an interval apart and only after the previous one ended, however slow a request is", async () => {
    const clock = new HandClock();
    const starts: number[] = [];
    const ends: number[] = [];
    let release: (() => void) | undefined;
    const th = new EditThrottle<string>(async () => {
      starts.push(clock.now());
      await new Promise<void>((r) => (release = r));
      ends.push(clock.now());
    }, 100, clock);
    th.push("a");                       // starts at 0 and takes 150 ms
    await settle();
    await clock.advance(100);
    th.push("b");                       // due at 100, but "a" is still out
    await clock.advance(50);
    release!();
    await settle();                     // "a" ends at 150: "b" starts at once (150 ≥ 0 + 100)
    th.push("c");
    await clock.advance(10);
    release!();                         // "b" ends at 160: "c" waits for 150 + 100
    await clock.advance(89);
    expect(starts).toEqual([0, 150]);
    await clock.advance(1);
    expect(starts).toEqual([0, 150, 250]);
    release!();
    await settle();
    for (let i = 1; i < starts.length; i++) {
      expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(100);
      expect(starts[i]).toBeGreaterThanOrEqual(ends[i - 1]);
    }
  });

  it("sends the final state at once when the interval has passed", async () => {
    const clock = new HandClock();
    const sent: string[] = [];
    const th = new EditThrottle<string>(async (v) => void sent.push(v), 1000, clock);
    await th.finish("only");
    expect(sent).toEqual(["only"]);
  });
});
