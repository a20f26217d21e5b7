// Every user command, by its stable English name, plus routing for the buttons under clips and progress messages.
import { decodeButtonId } from "./buttons.ts";
import { cancel } from "./cancel.ts";
import { challenge, enterButton, removeEntryButton, voteButton } from "./challenge.ts";
import { connect } from "./connect.ts";
import type { CommandContext } from "./context.ts";
import { del, deleteClip } from "./delete.ts";
import { defaults } from "./defaults.ts";
import type { Command } from "./definition.ts";
import { extend } from "./extend.ts";
import { history } from "./history.ts";
import { info } from "./info.ts";
import { loop } from "./loop.ts";
import { queue } from "./queue.ts";
import { remix } from "./remix.ts";
import { reroll } from "./reroll.ts";
import { retryLostJob } from "./retry.ts";
import { sora } from "./sora.ts";
import { stitch } from "./stitch.ts";

export const COMMANDS: Readonly<Record<string, Command>> = Object.fromEntries(
  [sora, extend, remix, reroll, loop, stitch, connect, cancel, del, queue, info, history, defaults, challenge].map((c) => [c.definition.name, c]),
);

export type ButtonOutcome =
  | "handled"
  /** Delete: the clip is gone from the store; the adapter takes the pressed message down (Delivery.deleted). */
  | "deleted"
  /** Remix needs words first: the adapter opens remixModal(target) and passes the answers to COMMANDS.remix. */
  | "open-remix-modal"
  /** Not one of ours (another app's, or an id from an older version). */
  | "unknown";

export async function handleButton(ctx: CommandContext, buttonId: string): Promise<ButtonOutcome> {
  const b = decodeButtonId(buttonId);
  if (!b) return "unknown";
  switch (b.action) {
    case "remix":
      return "open-remix-modal";
    case "extend":
      await extend.handle(ctx, { clip: b.target });
      return "handled";
    case "extendBackward":
      await extend.handle(ctx, { clip: b.target, backward: true });
      return "handled";
    case "reroll":
    case "loop":
    case "stitch":
      await COMMANDS[b.action].handle(ctx, { clip: b.target });
      return "handled";
    case "delete":
      return (await deleteClip(ctx, b.target)) ? "deleted" : "handled";
    case "cancel":
      await cancel.handle(ctx, { job: b.target });
      return "handled";
    case "retry":
      await retryLostJob(ctx, b.target);
      return "handled";
    case "vote":
      await voteButton(ctx, b.target);
      return "handled";
    case "removeEntry":
      await removeEntryButton(ctx, b.target);
      return "handled";
    case "enterChallenge":
      await enterButton(ctx, b.target);
      return "handled";
  }
}
