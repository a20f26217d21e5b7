// The worker's preview images on Slack progress messages. Block Kit shows only images Slack can fetch — a public
// URL, or a file in Slack — and our store is private, so each preview is uploaded as a file shared nowhere
// (files.uploadV2 without a channel) and shown through an image block's slack_file. chat.update replaces every block,
// so the file shown now is remembered per job and sent again with each edit; the one it replaces, and the last one
// once the job has ended, are deleted, so unshared files do not pile up in the workspace. (A process that takes a
// job over does not know the previous process's file: that one stays, shown until the next preview replaces it.)
import type { webApi } from "@slack/bolt";
import type { ClipStore } from "../../engine/store/types.ts";
import { firstFileId } from "./uploads.ts";

export class SlackPreviews {
  /** Job id → the preview file its progress message shows. */
  private readonly shown = new Map<string, string>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly store: Pick<ClipStore, "readBlob">,
    private readonly log: (line: string) => void,
  ) {}

  /** The file the job's progress message shows now, if any. */
  current(jobId: string): string | undefined {
    return this.shown.get(jobId);
  }

  /**
   * Upload a preview (a store blob key) as a private file; its id, or undefined when that failed (logged: a preview
   * is worth an API call, never a failed progress update).
   */
  async upload(jobId: string, blobKey: string, alt: string): Promise<string | undefined> {
    try {
      const ext = /\.(png|jpe?g|gif)$/i.exec(blobKey)?.[1]?.toLowerCase() ?? "png";
      const data = await this.store.readBlob(blobKey);
      return firstFileId(await this.client.files.uploadV2({ file: data, filename: `preview.${ext}`, alt_text: alt }));
    } catch (err) {
      this.log(`slack: could not upload the preview of job ${jobId}: ${(err as Error)?.message ?? err}`);
      return undefined;
    }
  }

  /** The progress message now shows `fileId` (or no preview): the file it showed before goes. */
  async shows(jobId: string, fileId: string | undefined): Promise<void> {
    const before = this.shown.get(jobId);
    if (fileId) this.shown.set(jobId, fileId);
    else this.shown.delete(jobId);
    if (before && before !== fileId) await this.remove(jobId, before);
  }

  /** A file that could not be shown (Slack refused the block): nobody will see it. */
  discard(jobId: string, fileId: string): Promise<void> {
    return this.remove(jobId, fileId);
  }

  /** The job has ended here: its last preview goes, whatever the final edit did. */
  release(jobId: string): void {
    const fileId = this.shown.get(jobId);
    this.shown.delete(jobId);
    if (fileId) void this.remove(jobId, fileId);
  }

  private async remove(jobId: string, fileId: string): Promise<void> {
    await this.client.files.delete({ file: fileId })
      .catch((err) => this.log(`slack: could not delete preview file ${fileId} of job ${jobId}: ${(err as Error)?.message ?? err}`));
  }
}
