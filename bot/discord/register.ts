// Registering the slash commands and context menus (register-cli.ts runs it as `npm run discord:register`): in one
// server (shows up at once: for testing) or globally (every server; Discord may take a while to show changes).
// A PUT replaces the whole list, so running it again is safe.
import { REST, Routes } from "discord.js";
import { applicationCommands } from "./commands-json.ts";

export interface RegisterOptions {
  token: string;
  apiBase?: string;
  guildId?: string;
}

export async function registerCommands(opts: RegisterOptions): Promise<{ count: number; scope: string }> {
  const rest = new REST(opts.apiBase ? { api: opts.apiBase } : {}).setToken(opts.token);
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  const body = applicationCommands();
  const route = opts.guildId ? Routes.applicationGuildCommands(app.id, opts.guildId) : Routes.applicationCommands(app.id);
  const saved = (await rest.put(route, { body })) as unknown[];
  return { count: saved.length, scope: opts.guildId ? `server ${opts.guildId}` : "global" };
}

export function parseArgs(argv: readonly string[]): { guildId?: string } {
  const i = argv.findIndex((a) => a === "--guild" || a.startsWith("--guild="));
  if (i < 0) return {};
  const value = argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  if (!value || !/^\d{5,25}$/.test(value)) throw new Error("--guild needs a server id (a number; Developer Mode → right-click the server → Copy Server ID)");
  return { guildId: value };
}
