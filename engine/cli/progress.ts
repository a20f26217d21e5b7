// A one-line progress bar for the terminal. Silent when the stream is not a terminal, so logs and pipes stay clean.
import type { Progress } from "../pipeline/index.ts";

const WIDTH = 24;

export function renderBar(p: Progress): string {
  const fraction = p.steps > 0 ? Math.min(1, p.step / p.steps) : 0;
  const filled = Math.round(fraction * WIDTH);
  const pct = String(Math.round(fraction * 100)).padStart(3);
  return `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${pct}% ${p.stage} ${p.step}/${p.steps}`;
}

export function progressBar(stream: NodeJS.WriteStream) {
  const live = Boolean(stream.isTTY);
  let shown = false;
  return {
    update: (p: Progress) => {
      if (!live) return;
      stream.write(`\r${renderBar(p)}`);
      shown = true;
    },
    done: () => {
      if (shown) stream.write("\r\x1b[2K");
    },
  };
}
