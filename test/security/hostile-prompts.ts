// Prompts that were once parsed as ffmpeg arguments (fluent-ffmpeg split "title=hello there" into two), shared by the
// CLI and bot tests: one space, a path, a URL, quotes and a newline, other scripts. `trap` is a file path or URL the
// prompt names, which nothing may ever write to or open.
export interface HostilePrompt {
  name: string;
  prompt: string;
  negativePrompt: string;
}

/** `dir`: where a path-like prompt points (checked afterwards: nothing may appear there); `url`: a listening trap. */
export function hostilePrompts(dir: string, url: string): HostilePrompt[] {
  return [
    { name: "one space", prompt: "hello there", negativePrompt: "blue sky" },
    { name: "path-like", prompt: `ball ${dir}/owned.mp4`, negativePrompt: `x ${dir}/neg.mp4` },
    { name: "URL-like", prompt: `ball ${url}/x.mp4`, negativePrompt: `sky ${url}/n.mp4` },
    { name: "quotes and a newline", prompt: `a "red" ball's -y\nnext line -f null`, negativePrompt: "it's \"blue\"" },
    { name: "unicode", prompt: "赤いボール 🎈 が跳ねる", negativePrompt: "青い 空" },
    { name: "option-like", prompt: "-i /etc/passwd", negativePrompt: "-metadata title=x" },
  ];
}
