// The message that shows a job's progress. Edits go through the interaction token while it is fresh (that works even
// where the bot could not post itself), and through the channel once the token nears its 15 minutes or Discord
// says it is gone; if the message itself has vanished, a new one is posted and edited from then on. A long queue
// therefore never ends in a lost result. A job taken over before its first progress message was posted (its process
// stopped in between) starts with only the channel: the first edit posts the message.
import type { Client, MessageEditOptions, RepliableInteraction } from "discord.js";
import { sendableChannel, type MessageRef } from "./channels.ts";
import { DISCORD_ERRORS, discordErrorCode, isTokenGone, TOKEN_SAFE_MS } from "./limits.ts";

export type ProgressEdit = Pick<MessageEditOptions, "content" | "components" | "files" | "attachments">;

/** Where a progress message is, or (no messageId) the channel it is still to be posted in. */
export interface ProgressPlace {
  channelId: string;
  messageId?: string;
}

export class ProgressMessage {
  private token: RepliableInteraction | undefined;
  private readonly tokenUntil: number;

  constructor(
    private readonly client: Client,
    public ref: ProgressPlace,
    /** The interaction whose token may edit this message (absent for messages the bot posted itself). */
    interaction?: RepliableInteraction,
    private readonly log: (line: string) => void = console.warn,
    private readonly now: () => number = Date.now,
  ) {
    this.token = interaction;
    this.tokenUntil = interaction ? interaction.createdTimestamp + TOKEN_SAFE_MS : 0;
  }

  /** Whether edits still go through the interaction token (tests and logs). */
  get viaToken(): boolean {
    return !!this.token && this.now() < this.tokenUntil;
  }

  /** The message, once there is one. */
  get posted(): MessageRef | undefined {
    const { channelId, messageId } = this.ref;
    return messageId ? { channelId, messageId } : undefined;
  }

  async edit(options: ProgressEdit): Promise<void> {
    if (this.token && this.now() < this.tokenUntil && this.ref.messageId) {
      try {
        await this.token.editReply({ ...options, message: this.ref.messageId });
        return;
      } catch (err) {
        if (!isTokenGone(err)) throw err;
        this.log(`discord: interaction token for message ${this.ref.messageId} is gone; editing through the channel`);
      }
    }
    this.token = undefined;
    const channel = await sendableChannel(this.client, this.ref.channelId);
    if (!channel) throw new Error(`channel ${this.ref.channelId} is not reachable`);
    if (this.ref.messageId) {
      try {
        await channel.messages.edit(this.ref.messageId, options);
        return;
      } catch (err) {
        // Someone deleted the progress message: carry on in a new one rather than go silent.
        if (discordErrorCode(err) !== DISCORD_ERRORS.unknownMessage) throw err;
      }
    }
    const { content, components, files } = options;
    const sent = await channel.send({ content: content ?? undefined, components, files, allowedMentions: { parse: [] } });
    this.ref = { channelId: sent.channelId, messageId: sent.id };
  }
}
