// The platform-neutral buttons (commands/buttons.ts) and the remix form (commands/remix.ts) as Discord components.
// The custom_id is the neutral id itself ("sora:extend:<clip>"), which carries all the state a press needs, so
// buttons keep working after the bot restarts.
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ModalBuilder, TextInputBuilder, TextInputStyle } from "discord.js";
import type { ClipButton } from "../../commands/buttons.ts";
import { remixModal } from "../../commands/remix.ts";
import { truncate } from "../../engine/text.ts";
import { BUTTONS_PER_ROW } from "./limits.ts";

/** Labels are capped at 80 characters, modal titles and input labels at 45, placeholders at 100. */
const LABEL_MAX = 80;
const MODAL_TITLE_MAX = 45;
const INPUT_LABEL_MAX = 45;
const PLACEHOLDER_MAX = 100;

function style(b: ClipButton): ButtonStyle {
  if (b.danger) return ButtonStyle.Danger;
  return b.action === "extend" ? ButtonStyle.Primary : ButtonStyle.Secondary;
}

export function buttonRows(buttons: readonly ClipButton[]): ActionRowBuilder<ButtonBuilder>[] {
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW) {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(
      buttons.slice(i, i + BUTTONS_PER_ROW).map((b) => new ButtonBuilder().setCustomId(b.id).setLabel(truncate(b.label, LABEL_MAX)).setStyle(style(b))),
    ));
  }
  return rows;
}

export function remixModalBuilder(clipId: string, locale: string): ModalBuilder {
  const form = remixModal(clipId, locale);
  return new ModalBuilder()
    .setCustomId(form.id)
    .setTitle(truncate(form.title, MODAL_TITLE_MAX))
    .addComponents(form.fields.map((f) => new ActionRowBuilder<TextInputBuilder>().addComponents(
      new TextInputBuilder()
        .setCustomId(f.id)
        .setLabel(truncate(f.label, INPUT_LABEL_MAX))
        .setPlaceholder(truncate(f.placeholder, PLACEHOLDER_MAX))
        .setRequired(f.required)
        .setMaxLength(f.maxLength)
        .setStyle(f.id === "prompt" ? TextInputStyle.Paragraph : TextInputStyle.Short),
    )));
}
