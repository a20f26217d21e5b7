// The local playground adapter: a web page that behaves like a bot thread, plus /health and /metrics.
export { startPlayground, type Playground, type PlaygroundOptions } from "./server.ts";
