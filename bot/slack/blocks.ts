// Block Kit for what the bot shows: the progress message (text, the worker's latest preview image, and a Cancel
// button while the job can stop), the clip's caption with its row of buttons, and the Remix modal. Text people typed
// goes out as plain_text, never mrkdwn, so a prompt cannot ping @channel or forge links. Each button's action_id is
// the neutral button id ("sora:extend:<clip>", commands/buttons.ts), so a click after a restart still knows what to do.
import type { types } from "@slack/bolt";
import type { ClipButton } from "../../commands/buttons.ts";
import { t } from "../../commands/i18n.ts";
import { remixModal } from "../../commands/remix.ts";
import { truncate } from "../../engine/text.ts";
import { BUTTON_TEXT_MAX, IMAGE_ALT_MAX, MODAL_BUTTON_MAX, MODAL_TITLE_MAX, SECTION_TEXT_MAX } from "./limits.ts";

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;

export function plain(text: string, max = SECTION_TEXT_MAX) {
  return { type: "plain_text" as const, text: truncate(text, max), emoji: true };
}

/** `value` carries what the click needs besides the id (the delete button: the uploaded file, to remove it too). */
export function buttonElement(b: ClipButton, locale: string, value?: string) {
  return {
    type: "button" as const,
    action_id: b.id,
    value: value ?? b.id,
    text: plain(b.label, BUTTON_TEXT_MAX),
    ...(b.danger ? { style: "danger" as const } : {}),
    ...(b.action === "delete"
      ? { confirm: { title: plain(t(locale, "slack.confirmDelete.title"), 100), text: plain(t(locale, "slack.confirmDelete.text"), 300), confirm: plain(b.label, 30), deny: plain(t(locale, "slack.confirmDelete.deny"), 30), style: "danger" as const } }
      : {}),
  };
}

/** A preview image on a progress message: a file the bot uploaded to Slack (previews.ts), shown by its id. */
export interface PreviewImage {
  fileId: string;
  alt: string;
}

export function progressBlocks(text: string, buttons: readonly ClipButton[], locale: string, preview?: PreviewImage): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: "section", block_id: "sora-progress", text: plain(text) }];
  if (preview) blocks.push({ type: "image", block_id: "sora-preview", slack_file: { id: preview.fileId }, alt_text: truncate(preview.alt, IMAGE_ALT_MAX) });
  if (buttons.length) blocks.push({ type: "actions", block_id: "sora-progress-actions", elements: buttons.map((b) => buttonElement(b, locale)) });
  return blocks;
}

export function clipBlocks(caption: string, buttons: readonly ClipButton[], locale: string, fileId?: string): KnownBlock[] {
  return [
    { type: "section", block_id: "sora-clip", text: plain(caption) },
    { type: "actions", block_id: "sora-clip-actions", elements: buttons.map((b) => buttonElement(b, locale, b.action === "delete" ? fileId : undefined)) },
  ];
}

/** Where a modal's answer goes: Slack hands private_metadata back unchanged with the submission. */
export interface ModalPlace {
  channel: string;
  threadTs?: string;
}

export function remixView(clipId: string, locale: string, place: ModalPlace): ModalView {
  const m = remixModal(clipId, locale);
  return {
    type: "modal",
    callback_id: m.id,
    private_metadata: JSON.stringify(place),
    title: plain(m.title, MODAL_TITLE_MAX),
    submit: plain(t(locale, "buttons.remix"), MODAL_BUTTON_MAX),
    close: plain(t(locale, "slack.modalClose"), MODAL_BUTTON_MAX),
    blocks: m.fields.map((f) => ({
      type: "input" as const,
      block_id: f.id,
      optional: !f.required,
      label: plain(f.label, 2000),
      element: { type: "plain_text_input" as const, action_id: f.id, max_length: f.maxLength, placeholder: plain(f.placeholder, 150), multiline: f.id === "prompt" },
    })),
  };
}

export function parseModalPlace(raw: string | undefined): ModalPlace | undefined {
  try {
    const v = JSON.parse(raw ?? "") as Partial<ModalPlace>;
    return typeof v.channel === "string" ? { channel: v.channel, ...(typeof v.threadTs === "string" ? { threadTs: v.threadTs } : {}) } : undefined;
  } catch {
    return undefined;
  }
}
