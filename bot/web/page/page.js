// The playground page: draws the thread the server keeps (Server-Sent Events: "reset" with every message, then
// "message" upserts and "remove"), and sends what the user does as small JSON posts. All text from the server is set
// with textContent, never as HTML: prompts are user input.

const $ = (sel, root = document) => root.querySelector(sel);
const thread = $("#thread");
const composer = $("#composer");
const textBox = $("#text");
const langSelect = $("#lang");
const statusEl = $("#status");

/** Issued by the server, which signs its ids: a stored one it no longer accepts comes back replaced. */
let session = localStorage.getItem("sora.session") ?? "";
let locale = localStorage.getItem("sora.locale") || navigator.language || "en";
let strings = {};
/** Messages by id, in thread order (Map keeps insertion order). */
const messages = new Map();
/** The composer's attached image: { url, name } once uploaded. */
let composerImage;

function newId() {
  return crypto.randomUUID();
}

function s(key, params = {}) {
  return (strings[key] ?? key).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => String(params[k] ?? ""));
}

async function openSession() {
  const res = await fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ session }) });
  session = (await res.json()).session;
  localStorage.setItem("sora.session", session);
}

/** Uploads are only served to the session that sent them. */
function uploadSrc(url) {
  return url.startsWith("/uploads/") ? `${url}?session=${encodeURIComponent(session)}` : url;
}

async function post(path, body) {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ session, locale, eventId: newId(), ...body }) });
  return res.json().catch(() => ({}));
}

/** Upload one image; the server answers with an attachment, or shows its refusal in the thread. */
async function upload(file) {
  const q = new URLSearchParams({ session, locale, name: file.name });
  const res = await fetch(`/api/upload?${q}`, { method: "POST", headers: { "content-type": file.type || "application/octet-stream" }, body: file });
  const body = await res.json().catch(() => ({}));
  return res.ok ? body.attachment : undefined;
}

// ---- language -------------------------------------------------------------------------------------------------

async function loadStrings(code) {
  const res = await fetch(`/api/strings?locale=${encodeURIComponent(code)}`);
  const body = await res.json();
  strings = body.strings;
  locale = body.locale;
  document.documentElement.lang = locale;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = s(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = s(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = s(el.dataset.i18nTitle);
  for (const el of document.querySelectorAll("[data-i18n-aria-label]")) el.setAttribute("aria-label", s(el.dataset.i18nAriaLabel));
  $("#model").textContent = body.model ? `· ${body.model}` : "";
  langSelect.replaceChildren(...body.locales.map((l) => new Option(l.name, l.code, false, l.code === locale)));
  showStatus(statusEl.dataset.state);
  showAttached();
  // Messages already in the thread keep the language they were written in; only the page's own labels change.
  for (const m of messages.values()) draw(m);
}

langSelect.addEventListener("change", () => {
  localStorage.setItem("sora.locale", langSelect.value);
  void loadStrings(langSelect.value);
});

function showStatus(state) {
  statusEl.dataset.state = state;
  statusEl.textContent = s(state);
}

// ---- the thread -----------------------------------------------------------------------------------------------

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter(Boolean));
  return e;
}

function buttonsRow(m) {
  if (!m.buttons?.length) return null;
  return el("div", { class: "buttons" }, ...m.buttons.map((b) => {
    const btn = el("button", { type: "button", class: `btn${b.danger ? " danger" : ""}`, text: b.label });
    btn.dataset.buttonId = b.id;
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      try {
        await post("/api/button", { id: b.id, messageId: m.id });
      } finally {
        btn.disabled = false;
      }
    });
    return btn;
  }));
}

/** Under every clip: reply to continue it, "remix: …" to remix it, or attach an image to animate. */
function replyBox(m) {
  let image;
  const input = el("input", { type: "text", placeholder: s("replyPlaceholder"), autocomplete: "off" });
  input.setAttribute("aria-label", s("replyPlaceholder"));
  const picked = el("span", { class: "picked" });
  const file = el("input", { type: "file", accept: "image/png,image/jpeg,image/webp,image/gif", hidden: true });
  const attach = el("label", { class: "attach", title: s("attachImage") }, file, el("span", { text: "+", "aria-hidden": "true" }));
  file.addEventListener("change", async () => {
    image = file.files[0] ? await upload(file.files[0]) : undefined;
    picked.textContent = image ? s("imageAttached", { name: image.name }) : "";
    file.value = "";
  });
  const form = el("form", { class: "replybox" }, attach, input, picked, el("button", { type: "submit", class: "btn", text: s("reply") }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!input.value.trim() && !image) return;
    const body = { replyTo: m.id, text: input.value, attachments: image ? [image] : [] };
    input.value = "";
    image = undefined;
    picked.textContent = "";
    await post("/api/reply", body);
  });
  return form;
}

function modalForm(m) {
  const inputs = m.modal.fields.map((f) => {
    const input = el("input", { type: "text", name: f.id, placeholder: f.placeholder, maxLength: f.maxLength, required: f.required });
    return el("label", {}, el("span", { text: f.label }), input);
  });
  const close = el("button", { type: "button", text: m.modal.close });
  const form = el("form", { class: "modal" }, el("h3", { text: m.modal.title }), ...inputs,
    el("div", { class: "row" }, close, el("button", { type: "submit", text: m.modal.submit })));
  close.addEventListener("click", () => remove(m.id));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    await post("/api/remix", { modalId: m.modal.id, messageId: m.id, prompt: data.prompt ?? "", strength: data.strength ?? "" });
  });
  return form;
}

function clipView(m) {
  const c = m.clip;
  const video = el("video", { src: c.video, controls: true, loop: true, muted: true, autoplay: true, playsInline: true, preload: "auto" });
  // Autoplay is only allowed muted; the attribute as well as the property, as browsers differ on which they read.
  video.setAttribute("muted", "");
  if (c.poster) video.poster = c.poster;
  video.dataset.clipId = c.id;
  // Tiny clips are upscaled by the browser; keep the clip's shape and a readable size.
  const scale = Math.max(1, Math.floor(320 / Math.max(c.width, c.height)));
  video.width = c.width * scale;
  video.height = c.height * scale;
  const download = el("a", { class: "btn", href: c.video, download: `${c.id}.mp4`, text: s("download") });
  const row = buttonsRow(m) ?? el("div", { class: "buttons" });
  row.append(download);
  return [video, el("pre", { class: "caption", text: c.caption }), row, replyBox(m)];
}

function draw(m) {
  const old = thread.querySelector(`[data-id="${CSS.escape(m.id)}"]`);
  // Redrawing a clip would restart its video and clear a half-typed reply: only redraw when it changed.
  if (old && old.dataset.version === JSON.stringify(m) + locale) return;
  const quoted = m.replyTo && messages.get(m.replyTo);
  const quoteText = quoted ? (quoted.text || quoted.clip?.caption.split("\n")[1] || quoted.clip?.caption || "") : "";
  const note = m.ephemeral ? el("span", { class: "note", text: s("onlyYou") }) : null;
  let body;
  if (m.deleted) body = [el("p", { class: "deleted", text: m.text ?? "" })];
  else if (m.kind === "clip" && m.clip) body = clipView(m);
  else if (m.kind === "modal" && m.modal) body = [modalForm(m)];
  else if (m.kind === "progress") {
    body = [el("pre", { class: "progress", text: m.text ?? "" }),
      m.preview ? el("img", { class: "preview", src: m.preview, alt: "" }) : null, buttonsRow(m)];
  }
  else body = [el("p", { class: "text", text: m.text ?? "" }), m.image ? el("img", { class: "upload", src: uploadSrc(m.image), alt: "" }) : null];
  const node = el("article", { class: `msg ${m.author} kind-${m.kind}${m.error ? " error" : ""}${m.ephemeral ? " ephemeral" : ""}` },
    // Initials, not emoji: a server without an emoji font (headless Chromium on Debian) would draw empty boxes.
    el("div", { class: "avatar", text: [...(m.author === "bot" ? s("bot") : s("you"))][0] ?? "" }),
    el("div", { class: "who", text: m.author === "bot" ? s("bot") : s("you") }, note),
    quoteText ? el("div", { class: "quote", text: quoteText }) : null,
    el("div", { class: "body" }, ...body.filter(Boolean)));
  node.dataset.id = m.id;
  node.dataset.version = JSON.stringify(m) + locale;
  if (m.jobId) node.dataset.jobId = m.jobId;
  if (old) old.replaceWith(node);
  else thread.append(node);
}

function upsert(m) {
  const nearBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 80;
  messages.set(m.id, m);
  draw(m);
  $("#empty").hidden = messages.size > 0;
  if (nearBottom) thread.scrollTop = thread.scrollHeight;
}

function remove(id) {
  messages.delete(id);
  thread.querySelector(`[data-id="${CSS.escape(id)}"]`)?.remove();
  $("#empty").hidden = messages.size > 0;
}

function connect() {
  showStatus("connecting");
  const es = new EventSource(`/api/events?session=${encodeURIComponent(session)}`);
  es.addEventListener("open", () => showStatus("connected"));
  es.addEventListener("error", () => showStatus(es.readyState === EventSource.CLOSED ? "disconnected" : "connecting"));
  es.addEventListener("reset", (ev) => {
    for (const id of [...messages.keys()]) remove(id);
    for (const m of JSON.parse(ev.data)) upsert(m);
    thread.scrollTop = thread.scrollHeight;
  });
  es.addEventListener("message", (ev) => upsert(JSON.parse(ev.data)));
  es.addEventListener("remove", (ev) => remove(JSON.parse(ev.data).id));
}

// ---- the composer ---------------------------------------------------------------------------------------------

function showAttached() {
  const box = $("#attached");
  box.hidden = !composerImage;
  if (!composerImage) return;
  $("img", box).src = uploadSrc(composerImage.url);
  $(".name", box).textContent = s("imageAttached", { name: composerImage.name });
}

$("input[type=file]", composer).addEventListener("change", async (ev) => {
  const file = ev.target.files[0];
  ev.target.value = "";
  composerImage = file ? await upload(file) : undefined;
  showAttached();
  textBox.focus();
});

$("#attached .unattach").addEventListener("click", () => {
  composerImage = undefined;
  showAttached();
});

composer.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = textBox.value;
  if (!text.trim() && !composerImage) return;
  const attachments = composerImage ? [composerImage] : [];
  textBox.value = "";
  composerImage = undefined;
  showAttached();
  await post("/api/message", { text, attachments });
});

await openSession();
await loadStrings(locale);
connect();
textBox.focus();
