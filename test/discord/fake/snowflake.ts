// Discord ids are snowflakes: milliseconds since 2015 in the high bits. discord.js reads creation times from them
// (interaction.createdTimestamp feeds the 15-minute token rule), so the fake hands out real ones, never "1", "2".
const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

export function snowflake(ms: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return String(((BigInt(ms) - DISCORD_EPOCH) << 22n) | increment);
}
