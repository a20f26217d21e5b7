// Slack's HTTP mode on the process's one HTTP server: Slack posts signed requests to POST /slack/events, which go to
// Bolt's receiver once Slack has started (it reads the raw body itself to check the signature); before that, or in
// Socket Mode, the answer is 503. Importing this loads nothing of Bolt.
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http/respond.ts";
import type { HttpServer } from "../http/server.ts";

export const SLACK_EVENTS_PATH = "/slack/events";

export type SlackHttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function mountSlackEvents(http: HttpServer, handler: () => SlackHttpHandler | undefined): void {
  http.mount(["POST"], SLACK_EVENTS_PATH, (req, res) => {
    const h = handler();
    if (h) return h(req, res);
    req.resume();
    sendJson(res, 503, { error: "slack is not connected yet" });
  });
}
