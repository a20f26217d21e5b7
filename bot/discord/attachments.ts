// Images to animate come only from Discord's own CDN hosts; the careful fetch itself is bot/core/remote-image.ts.
import type { Attachment } from "../core/replies.ts";
import { checkImageUrl, importRemoteImage, type RemoteImageOptions } from "../core/remote-image.ts";

export { sniffImage } from "../core/remote-image.ts";

export interface ImportOptions {
  /** Hosts (host or host:port) attachments may come from. */
  cdnHosts: readonly string[];
  maxBytes: number;
  store: RemoteImageOptions["store"];
  timeoutMs?: number;
  log?: (line: string) => void;
}

export const checkAttachmentUrl = checkImageUrl;

/** Fetch, check and store an image attachment as a conditioning frame; returns the store's blob key. */
export function importImage(a: Attachment, opts: ImportOptions): Promise<string> {
  return importRemoteImage(a, {
    hosts: opts.cdnHosts, maxBytes: opts.maxBytes, store: opts.store, timeoutMs: opts.timeoutMs,
    platform: "discord", log: opts.log ?? console.warn,
  });
}
