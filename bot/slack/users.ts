// Who is asking, as Slack knows them: their language (users.info with include_locale, which Slack only sends when
// asked) and whether they administer the workspace (admins and owners may cancel and delete others' clips). Cached,
// since every click and command needs it and users.info is rate-limited; a lookup that fails falls back to English
// and no extra rights rather than failing the request.
import type { webApi } from "@slack/bolt";
import { USER_CACHE_MAX, USER_CACHE_TTL_MS } from "./limits.ts";

export interface SlackUserInfo {
  id: string;
  name?: string;
  /** Slack's code ("en-US", "es-LA", "ja-JP"); commands/i18n resolves it to a shipped locale. */
  locale: string;
  manager: boolean;
  /** May run prompt challenges (an admin, or the configured user group's member: challenge-command.ts). */
  organizer?: boolean;
}

interface Entry {
  at: number;
  info: Promise<SlackUserInfo>;
}

export class SlackUsers {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: (line: string) => void,
    private readonly ttlMs = USER_CACHE_TTL_MS,
    private readonly max = USER_CACHE_MAX,
  ) {}

  get(userId: string): Promise<SlackUserInfo> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.info;
    const info = this.lookup(userId);
    this.cache.delete(userId);
    this.cache.set(userId, { at: Date.now(), info });
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return info;
  }

  private async lookup(id: string): Promise<SlackUserInfo> {
    try {
      const res = await this.client.users.info({ user: id, include_locale: true });
      const u = res.user;
      return { id, name: u?.name, locale: u?.locale ?? "en", manager: Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner) };
    } catch (err) {
      // Not cached as a failure for long: the next request asks again.
      this.cache.delete(id);
      this.log(`slack: users.info for ${id} failed: ${(err as Error)?.message ?? err}`);
      return { id, locale: "en", manager: false };
    }
  }
}
