// The playground's file host. The page uploads an image first (POST /api/upload) and then names it as an attachment,
// like a chat platform's CDN URL. importImage only takes attachments from here, checks the size and that the bytes
// really are an image (a name or a browser-given type proves nothing), and stores them as a conditioning frame.
import { randomUUID } from "node:crypto";
import type { ClipStore } from "../../engine/store/index.ts";
import { UserError } from "../core/errors.ts";
import { DEFAULT_MAX_IMAGE_BYTES, type Attachment } from "../core/replies.ts";
import { checkPicture, IMAGE_TYPES, mib, sniffImage as sniffBytes } from "../core/remote-image.ts";

interface Upload {
  data: Buffer;
  name: string;
  contentType: string;
  at: number;
}

const URL_PREFIX = "/uploads/";
/** Long enough to type a prompt after attaching; short enough that abandoned uploads do not pile up. */
const TTL_MS = 30 * 60 * 1000;
const MAX_UPLOADS = 200;

/** The image format from the first bytes, or undefined when it is none we animate. */
export function sniffImage(data: Buffer): { ext: string; type: string } | undefined {
  const ext = sniffBytes(data);
  return ext ? { ext, type: IMAGE_TYPES[ext] } : undefined;
}

export const maxImageLabel = mib;

export class Uploads {
  private readonly items = new Map<string, Upload>();

  constructor(readonly maxBytes = DEFAULT_MAX_IMAGE_BYTES) {}

  /** Keep an uploaded image; throws the user's error for one that is too large or not an image. */
  add(data: Buffer, name: string): Attachment {
    if (data.length > this.maxBytes) throw new UserError("errors.imageTooLarge", { max: maxImageLabel(this.maxBytes) });
    const ext = checkPicture(data);
    const kind = { ext, type: IMAGE_TYPES[ext] };
    this.prune();
    const id = randomUUID();
    const safeName = name.replace(/[^\p{L}\p{N}._ -]/gu, "").slice(0, 100) || `image.${kind.ext}`;
    this.items.set(id, { data, name: safeName, contentType: kind.type, at: Date.now() });
    return { url: `${URL_PREFIX}${id}`, name: safeName, contentType: kind.type, size: data.length };
  }

  get(url: string): Upload | undefined {
    const id = url.startsWith(URL_PREFIX) ? url.slice(URL_PREFIX.length) : "";
    return this.items.get(id);
  }

  /** CommandContext.importImage for the playground. */
  async importImage(store: ClipStore, a: Attachment): Promise<string> {
    if (!a.url.startsWith(URL_PREFIX)) throw new UserError("errors.notImage");
    const up = this.get(a.url);
    if (!up) throw new UserError("playground.uploadExpired");
    if (up.data.length > this.maxBytes) throw new UserError("errors.imageTooLarge", { max: maxImageLabel(this.maxBytes) });
    const kind = sniffImage(up.data);
    if (!kind) throw new UserError("errors.notImage");
    return store.putBlob(up.data, kind.ext, "frame");
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, u] of this.items) if (now - u.at > TTL_MS) this.items.delete(id);
    while (this.items.size >= MAX_UPLOADS) this.items.delete(this.items.keys().next().value!);
  }
}
