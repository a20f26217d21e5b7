// `npm run discord:register [-- --guild ID]`: register the commands with the token and API base from the environment.
import { parseArgs, registerCommands } from "./register.ts";

try {
  const token = process.env.DISCORD_TOKEN;
  if (!token) throw new Error("DISCORD_TOKEN is not set (Developer Portal → your application → Bot → Reset Token)");
  const { guildId } = parseArgs(process.argv.slice(2));
  const r = await registerCommands({ token, apiBase: process.env.DISCORD_API_BASE || undefined, guildId });
  console.log(`registered ${r.count} commands (${r.scope})`);
} catch (err) {
  console.error(`discord:register failed: ${(err as Error).message}`);
  process.exit(1);
}
