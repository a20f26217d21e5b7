// The playground's operator limits (engine/config/settings.ts): what its uploads may hold.
import { setting } from "../../engine/config/settings.ts";

export const UPLOAD_SESSION_MIB = setting({
  name: "PLAYGROUND_UPLOAD_SESSION_MIB", default: 32, min: 1,
  about: "uploads one playground session may hold at once, in MiB",
});

export const UPLOAD_TOTAL_MIB = setting({
  name: "PLAYGROUND_UPLOAD_TOTAL_MIB", default: 512, min: 1,
  about: "uploads all playground sessions together may hold on disk, in MiB",
});

export const UPLOAD_TTL_MINUTES = setting({
  name: "PLAYGROUND_UPLOAD_TTL_MINUTES", default: 30, min: 1, integer: false,
  about: "an upload not used by then is deleted",
});
