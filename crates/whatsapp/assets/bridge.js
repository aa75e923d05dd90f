// ZapDesk's bridge: the only code that touches WhatsApp Web. It runs in the
// page (injected with Page.addScriptToEvaluateOnNewDocument, because WhatsApp
// Web's CSP blocks inline scripts), talks to WhatsApp Web only through the
// `WPP` object of @wppconnect/wa-js, and speaks a small versioned JSON
// protocol to Rust:
//
//   page → Rust: window.__zapdeskEmit(JSON.stringify({v: 1, type, ...}))
//                (a CDP Runtime.addBinding; see crates/whatsapp/src/protocol.rs)
//   Rust → page: window.__zapdesk.run({cmd, ...}) → Promise<{ok, data} | {ok: false, error}>
//
// The WPP functions and events it relies on (and so all the fake WhatsApp
// Web of the Sandbox has to implement), checked by tests/integration/bridge_surface.rs:
//   WPP.loader.onReady(cb)
//   WPP.on(event, cb) for conn.auth_code_change, conn.authenticated,
//     conn.main_ready, conn.logout, conn.require_auth, conn.online,
//     chat.new_message, chat.msg_ack_change
//   WPP.conn.getAuthCode(), isAuthenticated(), isMainReady(), getMyUserId(),
//     genLinkDeviceCodeForPhoneNumber(phone), logout()
//   WPP.chat.sendTextMessage(chat, text, {messageId, createChat}),
//     sendFileMessage(chat, dataUrl, {type, filename, caption, messageId, createChat, isPtt}),
//     markIsRead(chat), getMessageById(id), downloadMedia(id), list(),
//     getMessages(chat, {count, direction, id})
//   WPP.contact.get(id), queryExists(id), getPnLidEntry(lid)
//
// Chat ids: Rust addresses a person as `<phone>@c.us` with the phone as
// ZapDesk stores it (Brazilian mobiles with the ninth digit). WhatsApp may
// know them by an old 8-digit id or by a LID; the bridge resolves at this
// boundary (queryExists before a send, getPnLidEntry for a message from a
// LID chat) so the rest of ZapDesk never sees WhatsApp's ids of a person.
(() => {
  "use strict";
  const VERSION = 1;
  if (window.__zapdesk) return;
  const config = Object.assign({ mediaLimit: 16 * 1024 * 1024 }, window.__zapdeskConfig || {});

  const emit = (type, fields) => {
    try {
      window.__zapdeskEmit(JSON.stringify(Object.assign({ v: VERSION, type }, fields || {})));
    } catch (e) {
      // The binding is missing only outside ZapDesk; nothing to tell then.
    }
  };
  const ser = (x) => (x == null ? null : typeof x === "string" ? x : x._serialized || String(x));

  const KINDS = { chat: "text", image: "image", ptt: "audio", audio: "audio", document: "document", location: "location", vcard: "contact", multi_vcard: "contact", video: "document", sticker: "image" };

  const blobToBase64 = (blob) =>
    new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });

  // The `<phone>@c.us` behind a LID chat, when WhatsApp shares it.
  async function phoneChat(W, chat) {
    if (!chat || !chat.endsWith("@lid")) return null;
    try {
      const entry = await W.contact.getPnLidEntry(chat);
      return entry && entry.phoneNumber ? ser(entry.phoneNumber) : null;
    } catch (e) {
      return null;
    }
  }

  // The id WhatsApp knows a `<phone>@c.us` by (an old 8-digit id for some
  // Brazilian accounts); remembered for the page's life. A number without
  // WhatsApp is a refusal the caller shows, not a send that never arrives.
  const resolved = new Map();
  async function resolveChat(W, chat) {
    if (!chat || !chat.endsWith("@c.us")) return chat;
    if (!resolved.has(chat)) {
      const found = await W.contact.queryExists(chat);
      if (!found || !found.wid) throw new Error("not_on_whatsapp");
      resolved.set(chat, ser(found.wid));
    }
    return resolved.get(chat);
  }

  async function describe(W, msg) {
    const kind = KINDS[msg.type];
    if (!kind) return null; // protocol messages, reactions, revokes, system notices
    const id = msg.id || {};
    const chat = ser(id.remote || msg.from);
    const out = {
      id: ser(id),
      chat,
      phone_chat: await phoneChat(W, chat),
      from_me: !!id.fromMe,
      kind,
      body: kind === "text" ? msg.body || "" : msg.caption || "",
      t: msg.t || Math.floor(Date.now() / 1000),
      name: msg.notifyName || (msg.sender && msg.sender.pushname) || null,
      mime: msg.mimetype || null,
      filename: msg.filename || null,
      lat: msg.lat == null ? null : msg.lat,
      lng: msg.lng == null ? null : msg.lng,
      vcard: kind === "contact" ? msg.body || null : null,
      size: msg.size || null,
      ack: typeof msg.ack === "number" ? msg.ack : null,
      media: null,
      media_error: null,
    };
    if (["image", "audio", "document"].includes(kind)) {
      if (msg.size && msg.size > config.mediaLimit) {
        out.media_error = "too_large";
      } else {
        try {
          const blob = await W.chat.downloadMedia(out.id);
          if (blob.size > config.mediaLimit) out.media_error = "too_large";
          else out.media = await blobToBase64(blob);
        } catch (e) {
          out.media_error = "download_failed";
        }
      }
    }
    return out;
  }

  function attach(W) {
    W.on("conn.auth_code_change", (code) => code && emit("qr", { code: code.fullCode }));
    W.on("conn.require_auth", () => {
      emit("require_auth");
      const code = W.conn.getAuthCode();
      if (code) emit("qr", { code: code.fullCode });
    });
    W.on("conn.authenticated", () => emit("authenticated"));
    W.on("conn.main_ready", () => emit("ready", { me: ser(W.conn.getMyUserId()) }));
    W.on("conn.logout", () => emit("logged_out"));
    W.on("conn.online", (online) => emit(online ? "online" : "offline"));
    W.on("chat.new_message", async (msg) => {
      try {
        const m = await describe(W, msg);
        if (m) emit("message", { msg: m });
      } catch (e) {
        emit("bridge_error", { error: String(e && e.message ? e.message : e) });
      }
    });
    W.on("chat.msg_ack_change", (ev) => emit("ack", { ack: ev.ack, chat: ser(ev.chat), ids: (ev.ids || []).map(ser) }));

    // Where the session already stands when we attach (a reload after login).
    if (W.conn.isMainReady()) emit("ready", { me: ser(W.conn.getMyUserId()) });
    else if (W.conn.isAuthenticated()) emit("authenticated");
    else {
      const code = W.conn.getAuthCode();
      if (code) emit("qr", { code: code.fullCode });
    }
  }

  // A message id we chose (so a resend after a crash can first ask whether
  // WhatsApp already has it); only the send commands use it.
  async function alreadySent(W, id) {
    if (!id) return null;
    try {
      const found = await W.chat.getMessageById(id);
      // Ack 0: WhatsApp Web has it queued and delivers it itself.
      return found ? { id: ser(found.id), ack: typeof found.ack === "number" ? found.ack : 1, resent: false } : null;
    } catch (e) {
      return null;
    }
  }

  // Sends still running in this page, by our id. Rust gives up waiting for
  // a slow send (its answer time) and asks again later with the same id:
  // the second ask joins the first instead of sending the message twice
  // (WhatsApp cannot say it "already has" a message still on its way).
  const inflight = new Map();
  function once(id, send) {
    if (!id) return send();
    if (!inflight.has(id)) {
      inflight.set(id, send().finally(() => inflight.delete(id)));
    }
    return inflight.get(id);
  }

  const commands = {
    ping: () => "pong",
    state: (W) => ({ authenticated: W.conn.isAuthenticated(), ready: W.conn.isMainReady() }),
    send_text: (W, c) =>
      once(c.id, async () => {
        const existing = await alreadySent(W, c.id);
        if (existing) return existing;
        const chat = await resolveChat(W, c.chat);
        const r = await W.chat.sendTextMessage(chat, c.text, { messageId: c.id, createChat: true });
        return { id: ser(r.id), ack: r.ack, resent: true };
      }),
    send_media: (W, c) =>
      once(c.id, async () => {
        const existing = await alreadySent(W, c.id);
        if (existing) return existing;
        const chat = await resolveChat(W, c.chat);
        const r = await W.chat.sendFileMessage(chat, c.data_url, {
          type: c.kind === "audio" ? "audio" : c.kind === "image" ? "image" : "document",
          filename: c.filename || undefined,
          caption: c.caption || undefined,
          messageId: c.id,
          createChat: true,
          // A voice note recorded in the inbox (Ogg/Opus): WhatsApp shows it
          // as one, with its waveform, not as an audio file to download.
          ...(c.kind === "audio" && c.ptt ? { isPtt: true, waveform: true } : {}),
        });
        return { id: ser(r.id), ack: r.ack, resent: true };
      }),
    mark_read: async (W, c) => {
      await W.chat.markIsRead(await resolveChat(W, c.chat));
      return null;
    },
    list_chats: async (W) =>
      Promise.all(
        (await W.chat.list()).map(async (chat) => ({
          id: ser(chat.id),
          phone_chat: await phoneChat(W, ser(chat.id)),
          name: chat.name || chat.formattedTitle || null,
          unread: chat.unreadCount || 0,
          t: chat.t || 0,
        })),
      ),
    // A chat's messages from `since` (seconds) on, oldest first, described as
    // new ones are, `limit` at a time after the message `after`: what arrived
    // while ZapDesk was not listening is history, never chat.new_message
    // (crates/whatsapp/src/catch_up.rs). `last` is where the next page starts.
    messages_since: async (W, c) => {
      const since = Number(c.since) || 0;
      const limit = Number(c.limit) || 20;
      // Back from the newest, a page at a time, until a page reaches before `since`.
      let found = [];
      let page = await W.chat.getMessages(c.chat, { count: 100 });
      while (page && page.length) {
        found = page.concat(found);
        const oldest = page[0];
        if ((oldest.t || 0) < since || found.length >= 5000) break;
        page = await W.chat.getMessages(c.chat, { count: 100, direction: "before", id: ser(oldest.id) });
      }
      let newer = found.filter((m) => (m.t || 0) >= since);
      if (c.after) {
        const at = newer.findIndex((m) => ser(m.id) === c.after);
        if (at >= 0) newer = newer.slice(at + 1);
      }
      // `limit` messages, and about one file's worth of media, per answer:
      // it must come back within Rust's answer time.
      const messages = [];
      let last = null;
      let bytes = 0;
      for (const msg of newer) {
        if (messages.length >= limit || (messages.length && bytes >= config.mediaLimit)) break;
        const m = await describe(W, msg);
        last = ser(msg.id);
        if (m) {
          messages.push(m);
          bytes += m.media ? m.media.length : 0;
        }
      }
      return { messages, last, more: last !== null && ser(newer[newer.length - 1].id) !== last };
    },
    contact_info: async (W, c) => {
      const contact = await W.contact.get(c.id);
      return contact ? { id: ser(contact.id), name: contact.name || null, pushname: contact.pushname || null } : null;
    },
    pairing_code: async (W, c) => W.conn.genLinkDeviceCodeForPhoneNumber(c.phone),
    logout: async (W) => {
      await W.conn.logout();
      return null;
    },
  };

  let wpp = null;
  window.__zapdesk = {
    version: VERSION,
    run: async (c) => {
      try {
        const fn = commands[c && c.cmd];
        if (!fn) return { ok: false, error: `unknown command ${c && c.cmd}` };
        if (!wpp && c.cmd !== "ping") return { ok: false, error: "not_ready" };
        return { ok: true, data: await fn(wpp, c) };
      } catch (e) {
        return { ok: false, error: String(e && e.message ? e.message : e) };
      }
    },
  };

  // wa-js (bundled before this script) defines window.WPP synchronously; the
  // Sandbox's fake page defines it from its own script, after us. Wait for
  // whichever comes, then for WPP's loader.
  const boot = (W) => W.loader.onReady(() => {
    wpp = W;
    attach(W);
  });
  if (window.WPP) {
    boot(window.WPP);
  } else {
    let value;
    Object.defineProperty(window, "WPP", {
      configurable: true,
      get: () => value,
      set: (v) => {
        value = v;
        Object.defineProperty(window, "WPP", { value: v, writable: true, configurable: true });
        boot(v);
      },
    });
  }
  emit("hello", { version: VERSION, url: location.href });
})();
