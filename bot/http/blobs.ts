// GET /blobs/<key>: a clip's video, preview and thumbnail from the store, for the playground's <video> and for links
// to clips too large to upload (PUBLIC_URL/blobs/…). Only clips and previews: uploaded conditioning frames stay
// private to their job. Behind the access gate when the operator set one.
import type { ClipStore } from "../../engine/store/types.ts";
import type { AccessGate } from "./access.ts";
import { contentType, sendBytes, sendText } from "./respond.ts";
import type { HttpServer } from "./server.ts";

const PUBLIC_BLOBS = /^(clips|previews)\//;

export function mountBlobs(http: HttpServer, o: { store: Pick<ClipStore, "readBlob">; gate: AccessGate }): void {
  http.mount(["GET", "HEAD"], "/blobs/", async (req, res, url) => {
    if (!o.gate.check(req, res, url)) return;
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.slice("/blobs/".length));
    } catch {
      return sendText(res, 404, "not found");
    }
    if (!PUBLIC_BLOBS.test(key)) return sendText(res, 404, "not found");
    let data: Buffer;
    try {
      data = await o.store.readBlob(key);
    } catch {
      // Unknown, deleted or malformed key: all the same to the reader.
      return sendText(res, 404, "not found");
    }
    // A clip's files never change under the same key (a new clip gets a new id), so the browser may keep them.
    sendBytes(req, res, data, contentType(key), "private, max-age=86400, immutable");
  });
}
