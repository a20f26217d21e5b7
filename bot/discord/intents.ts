// Which gateway intents to ask for. Message Content is privileged: asking without the portal switch makes Discord
// close the connection (4014). So the application's flags are read first, and without the grant the bot runs on
// mentions, buttons and context menus, and says so once at start-up.
import { GatewayIntentBits, Routes, type REST } from "discord.js";

/** ApplicationFlags: GATEWAY_MESSAGE_CONTENT (verified apps) and GATEWAY_MESSAGE_CONTENT_LIMITED (under 100 servers). */
const MESSAGE_CONTENT_FLAGS = (1 << 18) | (1 << 19);

export const BASE_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] as const;

export async function messageContentGranted(rest: REST): Promise<boolean> {
  const app = (await rest.get(Routes.currentApplication())) as { flags?: number };
  return ((app.flags ?? 0) & MESSAGE_CONTENT_FLAGS) !== 0;
}

export function intentsFor(messageContent: boolean): GatewayIntentBits[] {
  return messageContent ? [...BASE_INTENTS, GatewayIntentBits.MessageContent] : [...BASE_INTENTS];
}

/** discord.js rejects login with this when the gateway closed with 4014 (the flags said yes, the portal says no). */
export function isDisallowedIntents(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === "DisallowedIntents" || e?.code === 4014 || /disallowed intent/i.test(String(e?.message ?? ""));
}
