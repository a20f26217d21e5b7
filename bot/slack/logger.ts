// Bolt, its WebClient and the Socket Mode client log through this: warnings and errors go to the operator log with a
// "slack:" prefix, chatter (info, debug) is dropped unless SLACK_LOG_LEVEL asks for it. Tokens never reach it: the
// SDK redacts them before logging.
import { LogLevel, type Logger } from "@slack/bolt";

const ORDER: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

export class SlackLogger implements Logger {
  private name = "bolt";

  constructor(private readonly log: (line: string) => void, private level: LogLevel = LogLevel.WARN) {}

  private write(level: LogLevel, msg: unknown[]): void {
    if (ORDER.indexOf(level) < ORDER.indexOf(this.level)) return;
    const text = msg.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m))).join(" ");
    this.log(`slack: [${this.name} ${level}] ${text}`);
  }

  debug(...msg: unknown[]): void {
    this.write(LogLevel.DEBUG, msg);
  }
  info(...msg: unknown[]): void {
    this.write(LogLevel.INFO, msg);
  }
  warn(...msg: unknown[]): void {
    this.write(LogLevel.WARN, msg);
  }
  error(...msg: unknown[]): void {
    this.write(LogLevel.ERROR, msg);
  }
  setLevel(level: LogLevel): void {
    // Bolt sets its own default level on the logger it is given; the operator's choice (constructor) wins.
    void level;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  setName(name: string): void {
    this.name = name;
  }
}
