// The gallery page of a challenge, GET /challenges/<id>: every entry playing (its animated preview), its votes, and
// the leaderboard, in the reader's language (?lang=, else Accept-Language). Its media come from
// /challenges/<id>/media/<clip>.<webp|mp4>, which serves only the previews and videos of that challenge's entries:
// the page is meant for anyone the announcement reaches, so it is not behind the playground's token, and it can
// show nothing but what was posted to the channel. Every text from people (theme, prompt, name) is HTML-escaped.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Entry } from "../../../commands/challenge-service.ts";
import { resolveLocale, t } from "../../../commands/i18n.ts";
import type { ClipStore } from "../../../engine/store/types.ts";
import type { ChallengeStore, StoredChallenge } from "./store.ts";

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

export interface GalleryOptions {
  state: Pick<ChallengeStore, "get" | "entries" | "removeEntry">;
  store: Pick<ClipStore, "getClip" | "readBlob">;
}

const PAGE = /^\/challenges\/([a-z0-9]{1,20})\/?$/;
const MEDIA = /^\/challenges\/([a-z0-9]{1,20})\/media\/([A-Za-z0-9_-]{1,200})\.(webp|mp4)$/;

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer, cache = "no-store"): void {
  res.writeHead(status, { "content-type": type, "cache-control": cache, "x-content-type-options": "nosniff", "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}

function readerLocale(req: IncomingMessage, url: URL): string {
  const asked = url.searchParams.get("lang") ?? req.headers["accept-language"]?.split(",")[0]?.split(";")[0];
  return resolveLocale(asked?.trim().slice(0, 20));
}

export class ChallengeGallery {
  constructor(private readonly o: GalleryOptions) {}

  /** Entries still in the challenge, best first (a deleted clip drops out, as in the results). */
  private async standings(c: StoredChallenge): Promise<Entry[]> {
    const out: Entry[] = [];
    for (const e of await this.o.state.entries(c.id)) {
      if (!e.removed && (await this.o.store.getClip(e.clipId))) out.push(e);
    }
    return out.sort((a, b) => b.votes - a.votes || a.at - b.at);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const media = MEDIA.exec(url.pathname);
    if (media) return this.media(req, res, media[1]!, media[2]!, media[3] as "webp" | "mp4");
    const page = PAGE.exec(url.pathname);
    const locale = readerLocale(req, url);
    const c = page ? await this.o.state.get(page[1]!) : undefined;
    if (!c) return send(req, res, 404, "text/html; charset=utf-8", this.html(locale, t(locale, "challenge.page.notFound"), `<p>${esc(t(locale, "challenge.page.notFound"))}</p>`));
    send(req, res, 200, "text/html; charset=utf-8", await this.page(c, locale));
  }

  private async media(req: IncomingMessage, res: ServerResponse, id: string, clipId: string, ext: "webp" | "mp4"): Promise<void> {
    const entry = (await this.o.state.entries(id)).find((e) => e.clipId === clipId && !e.removed);
    const clip = entry ? await this.o.store.getClip(clipId) : undefined;
    const key = ext === "webp" ? clip?.files.preview : clip?.files.video;
    const data = key ? await this.o.store.readBlob(key).catch(() => undefined) : undefined;
    if (!data) return send(req, res, 404, "text/plain; charset=utf-8", "not found");
    send(req, res, 200, ext === "webp" ? "image/webp" : "video/mp4", data, "public, max-age=86400, immutable");
  }

  async page(c: StoredChallenge, locale: string): Promise<string> {
    const entries = await this.standings(c);
    const when = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(c.endsAt));
    const status = t(locale, `challenge.page.status.${c.status}`, { when });
    const name = (e: Entry) => esc(e.userName || e.userId);
    const rows = entries.map((e, i) =>
      `<tr><td>${i + 1}</td><td>${name(e)}</td><td class="votes">▲ ${e.votes}</td><td>${esc(e.prompt)}</td></tr>`).join("");
    const cards = await Promise.all(entries.map(async (e, i) => {
      const clip = await this.o.store.getClip(e.clipId);
      const src = `/challenges/${c.id}/media/${encodeURIComponent(e.clipId)}`;
      const still = clip?.files.preview
        ? `<img src="${src}.webp" alt="${esc(e.prompt)}" width="256" height="256">`
        : `<video src="${src}.mp4" autoplay loop muted playsinline width="256" height="256"></video>`;
      return `<figure>${still}<figcaption><b>#${i + 1}</b> ${name(e)} · ▲ ${e.votes}<br><span>${esc(e.prompt)}</span></figcaption></figure>`;
    }));
    const body = `<header><h1>${esc(c.theme)}</h1><p>${esc(status)}</p></header>
<h2>${esc(t(locale, "challenge.page.leaderboard"))}</h2>
${entries.length ? `<table><thead><tr><th>#</th><th>${esc(t(locale, "challenge.page.author"))}</th><th>${esc(t(locale, "challenge.page.votes"))}</th><th>${esc(t(locale, "challenge.page.prompt"))}</th></tr></thead><tbody>${rows}</tbody></table>` : `<p>${esc(t(locale, "challenge.leaderboard.empty"))}</p>`}
<h2>${esc(t(locale, "challenge.page.entries"))}</h2>
<section class="grid">${cards.join("\n")}</section>`;
    return this.html(locale, c.theme, body);
  }

  private html(locale: string, title: string, body: string): string {
    return `<!doctype html>
<html lang="${esc(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:16px 20px;background:#111318;color:#e8e8ea}
h1{margin:0 0 4px;font-size:24px} header p{margin:0;color:#a9abb3} h2{font-size:17px;margin:22px 0 8px}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #2a2d36} td.votes{white-space:nowrap}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:14px}
figure{margin:0;background:#1b1e26;border-radius:8px;overflow:hidden} figure img,figure video{width:100%;height:auto;display:block;aspect-ratio:1;object-fit:cover;background:#000}
figcaption{padding:8px 10px;font-size:13px} figcaption span{color:#a9abb3;word-break:break-word}
</style></head><body>${body}</body></html>`;
  }
}
