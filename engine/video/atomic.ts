// Write-then-rename, so a reader (the bot uploading the file) never sees a half-written video and a failure never
// leaves one behind. The temp file lives in the destination directory so the final rename cannot cross filesystems.

import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";

/**
 * Calls `produce(tmpPath)` to create the file, then renames it to `outFile`. On any error the temp file is removed
 * and the error rethrown. The temp name keeps the real extension last, for tools that look at it.
 */
export async function writeAtomically<T>(outFile: string, produce: (tmpPath: string) => Promise<T>): Promise<T> {
  const dir = dirname(outFile);
  await mkdir(dir, { recursive: true });
  const ext = extname(outFile);
  const tmp = join(dir, `.${basename(outFile, ext)}.${process.pid}.${randomBytes(4).toString("hex")}.partial${ext}`);
  try {
    const result = await produce(tmp);
    await rename(tmp, outFile);
    return result;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
