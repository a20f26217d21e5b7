// Slack files to animate. Private file URLs need the bot token, so the token must only ever go to Slack's own file
// hosts: bot/core/remote-image.ts checks the host against the allow-list before anything is sent, refuses redirects,
// caps the size while streaming and checks the first bytes.
import type { Attachment } from "../../commands/context.ts";
import { importRemoteImage } from "../core/remote-image.ts";

export interface SlackFileOptions {
  /** Hosts (host or host:port) private files may be fetched from; default Slack's (limits.ts). */
  hosts: readonly string[];
  token: string;
  maxBytes: number;
  store: { putBlob(data: Buffer, ext: string, kind?: "frame" | "preview"): Promise<string> };
  timeoutMs?: number;
  log: (line: string) => void;
}

/** A Slack message event's file, as it arrives. */
export interface SlackFile {
  id?: string;
  name?: string;
  mimetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

export function toAttachment(f: SlackFile): Attachment | undefined {
  const url = f.url_private_download ?? f.url_private;
  if (!url) return undefined;
  return { url, ...(f.name ? { name: f.name } : {}), ...(f.mimetype ? { contentType: f.mimetype } : {}), ...(typeof f.size === "number" ? { size: f.size } : {}) };
}

/** Fetch, check and store an image as a conditioning frame; returns the store's blob key. */
export function importSlackImage(a: Attachment, opts: SlackFileOptions): Promise<string> {
  return importRemoteImage(a, {
    hosts: opts.hosts, maxBytes: opts.maxBytes, store: opts.store, timeoutMs: opts.timeoutMs, platform: "slack", log: opts.log,
    // Private files need the bot token; checkImageUrl has made sure it only goes to Slack's own hosts.
    headers: { authorization: `Bearer ${opts.token}` },
  });
}
