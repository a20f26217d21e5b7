// How a handler's answers reach the person. For an interaction: answer directly when the handler is quick (an
// error then stays private, a queued job shows its position at once), else defer before Discord's 3 seconds run out
// and answer by editing; an error after a public deferral replaces the "thinking…" message with a private one. For
// a message (a reply in a thread): reply to it, since messages cannot be answered privately.
import {
  MessageFlags, type ActionRowBuilder, type ButtonBuilder, type Client, type InteractionReplyOptions, type Message,
  type ModalBuilder, type RepliableInteraction,
} from "discord.js";
import type { Reply } from "../../commands/context.ts";
import { truncate } from "../../engine/text.ts";
import { CONTENT_MAX, DEFER_AFTER_MS } from "./limits.ts";
import { ProgressMessage } from "./progress-message.ts";

type Rows = ActionRowBuilder<ButtonBuilder>[];

export interface Responder {
  reply(r: Reply): Promise<void>;
  /** Post the message that will show a job's progress. */
  progress(text: string, components: Rows): Promise<ProgressMessage>;
  /** The handler is done: tidy up (a deferral nobody answered must not spin forever). */
  finish(): Promise<void>;
}

const NO_PINGS = { parse: [] as [] };

export class InteractionResponder implements Responder {
  private state: "none" | "deferred" | "answered" = "none";
  private deferring: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: Client,
    private readonly i: RepliableInteraction,
    private readonly log: (line: string) => void,
    deferAfterMs = DEFER_AFTER_MS,
  ) {
    this.timer = setTimeout(() => this.defer(), deferAfterMs);
  }

  /** Show a modal: only possible as the first answer, which is why buttons that open one never wait. */
  async showModal(modal: ModalBuilder): Promise<void> {
    this.stopTimer();
    await this.deferring;
    if (this.state !== "none" || this.i.isModalSubmit()) throw new Error("a modal must be the first answer, and not to a modal");
    this.state = "answered";
    await this.i.showModal(modal);
  }

  /** Acknowledge a button press that needs no answer (not ours, or already handled). */
  async acknowledge(): Promise<void> {
    this.stopTimer();
    await this.deferring;
    if (this.state === "none" && this.i.isMessageComponent()) {
      this.state = "answered";
      await this.i.deferUpdate();
    }
  }

  async reply(r: Reply): Promise<void> {
    this.stopTimer();
    await this.deferring;
    const content = truncate(r.text, CONTENT_MAX);
    const flags = r.ephemeral ? MessageFlags.Ephemeral : undefined;
    if (this.state === "none") {
      this.state = "answered";
      await this.i.reply({ content, flags, allowedMentions: NO_PINGS } as InteractionReplyOptions);
    } else if (this.state === "deferred") {
      this.state = "answered";
      if (r.ephemeral) {
        // A public "thinking…" cannot turn private: remove it and answer privately instead.
        await this.i.deleteReply().catch((err) => this.log(`discord: could not remove a deferral: ${(err as Error).message}`));
        await this.i.followUp({ content, flags, allowedMentions: NO_PINGS });
      } else {
        await this.i.editReply({ content, allowedMentions: NO_PINGS });
      }
    } else {
      await this.i.followUp({ content, flags, allowedMentions: NO_PINGS });
    }
  }

  async progress(text: string, components: Rows): Promise<ProgressMessage> {
    this.stopTimer();
    await this.deferring;
    const content = truncate(text, CONTENT_MAX);
    let message: Message;
    if (this.state === "none") {
      this.state = "answered";
      const res = await this.i.reply({ content, components, allowedMentions: NO_PINGS, withResponse: true });
      message = res.resource?.message ?? (await this.i.fetchReply());
    } else if (this.state === "deferred") {
      this.state = "answered";
      message = await this.i.editReply({ content, components, allowedMentions: NO_PINGS });
    } else {
      message = await this.i.followUp({ content, components, allowedMentions: NO_PINGS });
    }
    return new ProgressMessage(this.client, { channelId: message.channelId, messageId: message.id }, this.i, this.log);
  }

  async finish(): Promise<void> {
    this.stopTimer();
    await this.deferring;
    if (this.state === "deferred") await this.i.deleteReply().catch(() => undefined);
  }

  private defer(): void {
    this.timer = undefined;
    if (this.state !== "none") return;
    this.deferring = this.i.deferReply()
      .then(() => void (this.state = "deferred"))
      .catch((err) => this.log(`discord: deferring interaction ${this.i.id} failed: ${(err as Error).message}`));
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export class MessageResponder implements Responder {
  constructor(
    private readonly client: Client,
    private readonly message: Message,
    private readonly log: (line: string) => void,
  ) {}

  async reply(r: Reply): Promise<void> {
    await this.message.reply({ content: truncate(r.text, CONTENT_MAX), allowedMentions: { ...NO_PINGS, repliedUser: false } });
  }

  async progress(text: string, components: Rows): Promise<ProgressMessage> {
    const sent = await this.message.reply({ content: truncate(text, CONTENT_MAX), components, allowedMentions: { ...NO_PINGS, repliedUser: false } });
    return new ProgressMessage(this.client, { channelId: sent.channelId, messageId: sent.id }, undefined, this.log);
  }

  async finish(): Promise<void> {}
}
