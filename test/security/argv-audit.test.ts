// The argv audit, kept true: fluent-ffmpeg's option methods split one-space strings (see engine/video/ffmpeg.ts), so
// only ffmpeg.ts may call them, through its verbatim helpers; child processes get argument arrays, never a shell.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { describe, expect, it } from "vitest";
import { withInputArgs, withOutputArgs } from "../../engine/video/ffmpeg.ts";

const root = join(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === "node_modules" || name === "models") return [];
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(ts|mjs|js)$/.test(name) ? [full] : [];
  });
}

const files = ["engine", "bot", "commands", "bin"].flatMap((d) => sources(join(root, d)))
  .map((f) => ({ path: relative(root, f), text: readFileSync(f, "utf8") }));

describe("user text never becomes syntax", () => {
  it("only engine/video/ffmpeg.ts calls fluent-ffmpeg's splitting option methods", () => {
    const splitting = /\.(input|output|add|addInput|addOutput|with|withInput|withOutput)Options?\(/;
    const offenders = files.filter((f) => f.path !== "engine/video/ffmpeg.ts" && splitting.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it("no child process is started through a shell", () => {
    const shell = /(?<![.\w])(exec|execSync)\(|shell:\s*true/;
    const offenders = files.filter((f) => /node:child_process/.test(f.text) && shell.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it("the verbatim helpers pass every element as one argument", () => {
    const command = ffmpeg();
    withInputArgs(command.input("in.rgb"), ["-f", "rawvideo"]);
    withOutputArgs(command, ["-metadata", "title=hello there", "-metadata", "comment=a b c"]).output("out.mp4");
    // fluent-ffmpeg's own argument builder, as it would spawn ffmpeg.
    const args = (command as unknown as { _getArguments(): string[] })._getArguments();
    expect(args).toContain("title=hello there");
    expect(args).not.toContain("there");
  });

  it("a lone option with a space is refused rather than split", () => {
    expect(() => withOutputArgs(ffmpeg().output("x.mp4"), ["-metadata title=x"])).toThrow(TypeError);
  });
});
