// Durations for people: "45 s", "3 min 5 s", "1 h 20 min". Coarse on purpose: an ETA is an estimate, and the
// seconds of a two-hour wait are noise.
import type { Params } from "./i18n.ts";

type Translate = (key: string, params: Params) => string;

export function formatDuration(seconds: number, tr: Translate): string {
  const total = Math.max(0, Math.ceil(Number.isFinite(seconds) ? seconds : 0));
  if (total < 60) return tr("time.seconds", { s: total });
  if (total < 3600) return tr("time.minutes", { m: Math.floor(total / 60), s: total % 60 });
  const minutes = Math.round(total / 60);
  return tr("time.hours", { h: Math.floor(minutes / 60), m: minutes % 60 });
}
