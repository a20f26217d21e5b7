// The playground's /defaults: its visitors share one "server" (the whole playground shares one rate limit) but have
// no accounts and manage nobody else's requests, so each visitor's session keeps defaults of its own. This view of the
// shared store files them under the session: what one visitor presets never changes another's clips.
import type { Platform } from "../../commands/context.ts";
import type { ServerDefaults } from "../../commands/server-defaults.ts";

export function sessionDefaults(store: ServerDefaults, session: string): ServerDefaults {
  const scope = (serverId: string) => `${serverId}:${session}`;
  return {
    get: (platform: Platform, serverId: string) => store.get(platform, scope(serverId)),
    set: (platform, serverId, values) => store.set(platform, scope(serverId), values),
    clear: (platform, serverId) => store.clear(platform, scope(serverId)),
  };
}
