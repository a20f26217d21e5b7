// PLAYGROUND_TOKEN: the playground has no accounts, so on a machine others can reach, an operator sets a token and
// shares the link `http://host:8080/?token=…`. Opening it stores a cookie (HttpOnly, SameSite=Strict) and every page,
// API, stream, clip and upload request must carry it (or `Authorization: Bearer <token>`). Without a token the
// playground is open, which is right on 127.0.0.1 (the default) and is warned about at start anywhere else.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendText } from "./respond.ts";

const COOKIE = "sora_playground";

const digest = (s: string) => createHash("sha256").update(`playground-token:${s}`).digest("base64url");

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

export interface AccessGate {
  /** True when the request may go on; otherwise the gate has answered it (401, or the redirect that sets the cookie). */
  check(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

export function accessGate(token: string | undefined): AccessGate {
  if (!token) return { check: () => true };
  const expected = digest(token);
  return {
    check(req, res, url) {
      const given = url.searchParams.get("token");
      if (given !== null && url.pathname === "/") {
        if (!same(digest(given), expected)) {
          sendText(res, 401, "This playground needs a valid access link.\n");
          return false;
        }
        res.writeHead(303, {
          location: "/",
          "set-cookie": `${COOKIE}=${expected}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${30 * 24 * 3600}`,
          "cache-control": "no-store",
        }).end();
        return false;
      }
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
      if ((bearer !== undefined && same(digest(bearer), expected)) || same(cookie(req, COOKIE) ?? "", expected)) return true;
      sendText(res, 401, "This playground needs its access link (ask its operator for the URL with ?token=…).\n");
      return false;
    },
  };
}
