// What the fake Slack remembers: one workspace with its people, channels, messages (with their edit history),
// ephemeral messages, files, opened modals and custom-function results. Tests read it directly.

export interface FakeUser {
  id: string;
  name: string;
  /** Slack's locale code as users.info reports it with include_locale ("en-US", "es-LA", "ja-JP"). */
  locale: string;
  isAdmin: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  /** A private channel (id G…): the bot sees and posts there only as a member. */
  private?: boolean;
  /** The bot was added to it (public channels take its posts anyway: chat:write.public). */
  botMember?: boolean;
  archived?: boolean;
}

export interface FakeFile {
  id: string;
  name: string;
  title?: string;
  mimetype: string;
  size: number;
  data: Buffer;
  /** Served only with a bot token (Authorization: Bearer). */
  url_private: string;
  url_private_download: string;
  /** Bot uploads: set once files.completeUploadExternal shares it; user uploads are complete at once. */
  completed: boolean;
  deleted: boolean;
  uploadedBy: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  /** Set for people's messages, and for the bot's (Slack reports the bot user too). */
  user?: string;
  bot_id?: string;
  text: string;
  blocks?: Block[];
  files?: FakeFile[];
  /** Every version of the text, oldest first (chat.update appends). */
  history: string[];
  blockHistory: (Block[] | undefined)[];
  deleted: boolean;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  thread_ts?: string;
  blocks?: Block[];
}

export interface FakeView {
  id: string;
  trigger_id: string;
  user?: string;
  view: Record<string, unknown> & { callback_id?: string; private_metadata?: string };
}

export interface FunctionResult {
  function_execution_id: string;
  outputs?: Record<string, unknown>;
  error?: string;
}

// Slack's Block Kit JSON: the fake stores what the app sent, as it sent it.
export type Block = Record<string, unknown> & { type: string };

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

export class FakeState {
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly files = new Map<string, FakeFile>();
  readonly views: FakeView[] = [];
  /** User groups (SLACK_CHALLENGE_GROUP): id → member user ids. */
  readonly userGroups = new Map<string, string[]>();
  readonly functionResults: FunctionResult[] = [];
  readonly calls: ApiCall[] = [];
  /** Trigger ids handed to the app (slash commands, clicks): views.open accepts only these. */
  readonly triggers = new Set<string>();
  /** The workspace restricts uploads above this many bytes (files.getUploadURLExternal: file_upload_size_restricted). */
  uploadRestrictionBytes: number | undefined;
  /** Uploaded images are still being processed: an image block that shows one is refused (invalid_blocks). */
  imagesPending = false;
  /** The workspace has turned file uploads off (file_uploads_disabled). */
  uploadsDisabled = false;
  private lastTs = 0;
  private seq = 0;

  /** Slack's message timestamps: unique per channel, "seconds.micro", always increasing. */
  nextTs(): string {
    const now = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = now;
    return `${Math.floor(now / 1e6)}.${String(now % 1e6).padStart(6, "0")}`;
  }

  id(prefix: string): string {
    return `${prefix}${(++this.seq).toString(36).toUpperCase().padStart(8, "0")}`;
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** A channel's top-level messages, or one thread's replies (without its root). */
  thread(channel: string, threadTs?: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted &&
      (threadTs ? m.thread_ts === threadTs && m.ts !== threadTs : !m.thread_ts || m.thread_ts === m.ts));
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }
}
