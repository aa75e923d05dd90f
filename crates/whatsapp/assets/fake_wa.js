// The Sandbox's fake WhatsApp Web. It implements exactly the `WPP` surface
// that bridge.js uses (see the list at the top of bridge.js) and nothing of
// WhatsApp itself. Its "server" is ZapDesk's request interception
// (crates/whatsapp/src/sandbox.rs), reached with fetch() at the same origin:
//   GET  /__fake/state            {paired, me, autopilot, qr_rotate_ms}
//   POST /__fake/state            {paired}
//   POST /__fake/sent             a message this page "sent" (appended to a log)
//   GET  /__fake/sent?id=ID       that message, or 404
//   POST /__fake/deliver          messages from simulated contacts not delivered yet,
//                                 now delivered (the server keeps the cursor, as
//                                 WhatsApp's does across page loads)
//   POST /__fake/history          every message of the account; those not delivered
//                                 yet count as delivered, as history
//   GET  /__fake/media?id=ID      the bytes of an incoming media message
//   GET  /__fake/exists?id=CHAT   {wid, lid} WhatsApp knows that chat by, or 404
//   GET  /__fake/pnlid?id=LID     {lid, phone} behind a LID, or 404
// Test hooks live on window.__fake (scan, rotateQr, poll, ack, setOnline,
// logoutFromPhone, setSendLatency, hang), called by Rust through the instance actor.
(() => {
  "use strict";
  const listeners = {};
  const emit = (event, payload) => (listeners[event] || []).forEach((cb) => { try { cb(payload); } catch (e) { console.error(e); } });
  const $ = (id) => document.getElementById(id);
  const show = (text) => { const el = $("status"); if (el) el.textContent = text; };
  const api = async (path, body) => {
    const res = await fetch(`/__fake/${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`fake server: ${res.status}`);
    return res.json();
  };
  const wid = (s) => ({ _serialized: s, toString: () => s, user: s.split("@")[0], server: s.split("@")[1] });
  const key = (id, remote, fromMe) => ({ _serialized: id, id: id.split("_").pop(), remote: wid(remote), fromMe, toString: () => id });
  const randomHex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();

  let state = { paired: false, me: "5511900000000@c.us", autopilot: false, qr_rotate_ms: 20000 };
  let ready = false;
  let authenticated = false;
  let authCode = null;
  let rotateTimer = null;
  const readyCallbacks = [];
  const incoming = new Map(); // id → message record from the server

  function newQr() {
    const ref = `2@${randomHex(24)}`;
    authCode = { type: "multidevice", ref, staticKeyPair: randomHex(16), identityKeyPair: randomHex(16), secretKey: randomHex(16) };
    authCode.fullCode = [ref, authCode.staticKeyPair, authCode.identityKeyPair, authCode.secretKey].join(",");
    const el = $("qr");
    if (el) el.textContent = authCode.fullCode;
    show("Escaneie o QR code");
    emit("conn.auth_code_change", authCode);
  }

  function startQr() {
    authenticated = false;
    ready = false;
    newQr();
    clearInterval(rotateTimer);
    rotateTimer = setInterval(newQr, state.qr_rotate_ms);
    emit("conn.require_auth");
  }

  async function goReady() {
    clearInterval(rotateTimer);
    authCode = null;
    authenticated = true;
    emit("conn.authenticated");
    // As WhatsApp Web loading: what reached the account while no page ran
    // (or before this one) is in the chats' history, and is never reported
    // as chat.new_message.
    for (const m of (await api("history", {})) || []) incoming.set(m.id, m);
    ready = true;
    show("Conectado");
    emit("conn.main_ready");
    void poll();
  }

  // Polls run one after another; the server delivers each message as new
  // once, whatever page asks (a reload gets it as history instead).
  let polling = Promise.resolve();
  function poll() {
    polling = polling.then(pollOnce, pollOnce);
    return polling;
  }

  async function pollOnce() {
    if (!ready) return;
    const batch = await api("deliver", {});
    for (const m of batch || []) {
      incoming.set(m.id, m);
      emit("chat.new_message", Object.assign(model(m), { isNewMsg: true }));
    }
  }

  // A contact's message as WhatsApp Web's message model shows it.
  function model(m) {
    return {
      id: key(m.id, m.chat, false),
      from: wid(m.chat),
      type: { text: "chat", image: "image", audio: "ptt", document: "document", location: "location", contact: "vcard" }[m.kind] || "chat",
      body: m.kind === "contact" ? m.vcard : m.body,
      caption: m.kind === "text" ? undefined : m.body,
      t: m.t,
      notifyName: m.name,
      mimetype: m.mime,
      filename: m.filename,
      lat: m.lat,
      lng: m.lng,
      size: m.size,
      isNewMsg: false,
    };
  }

  // A chat's messages oldest first, as wa-js's getMessages pages them: the
  // newest `count` (-1: all), or `count` before / after the message `id`.
  function chatMessages(chat, opts) {
    const all = [...incoming.values()]
      .filter((m) => m.chat === chat)
      .sort((a, b) => a.t - b.t || a.seq - b.seq);
    const count = opts.count > 0 ? opts.count : all.length;
    let end = all.length;
    if (opts.id) {
      const at = all.findIndex((m) => m.id === opts.id);
      if (at < 0) return [];
      if (opts.direction === "after") return all.slice(at + 1, at + 1 + count).map(model);
      end = at;
    }
    return all.slice(Math.max(0, end - count), end).map(model);
  }

  // How long the "server" takes to take a send (a slow upload, a slow
  // link); tests set it with window.__fake.setSendLatency(ms).
  let sendLatencyMs = 0;
  const queued = new Map(); // id → our message not on the "server" yet (ack 0)

  // As WhatsApp Web does: our message joins the chat at once and is reported
  // as a new message of our own (ack 0, the clock) before the server has it;
  // the server's ack (1) follows, and only then does the send call return.
  async function record(kind, chat, text, opts) {
    const id = typeof opts.messageId === "string" && opts.messageId ? opts.messageId : `true_${chat}_3EB0${randomHex(8)}`;
    // What the "server" got: a voice note only when asked as one (isPtt),
    // and the file's type as the data URL gave it.
    const ptt = kind === "audio" && opts.isPtt === true;
    const mime = typeof opts.content === "string" ? (opts.content.match(/^data:([^,]*?)(;base64)?,/) || [])[1] || null : null;
    // The file's first bytes (its magic: "OggS" for a voice note).
    let head = null;
    try {
      if (mime !== null) head = atob(opts.content.slice(opts.content.indexOf(",") + 1, opts.content.indexOf(",") + 9)).slice(0, 4);
    } catch (e) {
      // Not base64: nothing to show.
    }
    const own = key(id, chat, true);
    queued.set(id, { chat, text });
    emit("chat.new_message", {
      id: own,
      from: wid(state.me),
      to: wid(chat),
      type: kind === "audio" ? (ptt ? "ptt" : "audio") : { text: "chat", image: "image", document: "document" }[kind] || "document",
      body: kind === "text" ? text : "",
      caption: kind === "text" ? undefined : text,
      filename: opts.filename || undefined,
      t: Math.floor(Date.now() / 1000),
      ack: 0,
      isNewMsg: true,
    });
    if (sendLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, sendLatencyMs));
    await api("sent", { id, chat, kind, text, filename: opts.filename || null, ptt, mime, head, at: Date.now() });
    queued.delete(id);
    emit("chat.msg_ack_change", { ack: 1, chat: wid(chat), ids: [own] });
    if (state.autopilot) {
      setTimeout(() => emit("chat.msg_ack_change", { ack: 2, chat: wid(chat), ids: [own] }), 400);
      setTimeout(() => emit("chat.msg_ack_change", { ack: 3, chat: wid(chat), ids: [own] }), 1500);
    }
    return { id, ack: 1, from: state.me, to: chat, sendMsgResult: null };
  }

  const WPP = {
    // Until the fake "server" answered, callbacks wait; see the end of this file.
    loader: { onReady: (cb) => { readyCallbacks.push(cb); } },
    on: (event, cb) => { (listeners[event] = listeners[event] || []).push(cb); },
    conn: {
      getAuthCode: () => authCode,
      isAuthenticated: () => authenticated,
      isMainReady: () => ready,
      getMyUserId: () => wid(state.me),
      genLinkDeviceCodeForPhoneNumber: async () => `${randomHex(2)}${randomHex(2)}`.replace(/(.{4})/, "$1-"),
      logout: async () => {
        await api("state", { paired: false });
        emit("conn.logout");
        startQr();
        return true;
      },
    },
    chat: {
      sendTextMessage: (chat, text, opts = {}) => record("text", String(chat), text, opts),
      sendFileMessage: (chat, content, opts = {}) => record(opts.type || "document", String(chat), opts.caption || "", { ...opts, content }),
      markIsRead: async (chat) => ({ wid: wid(String(chat)), unreadCount: 0 }),
      getMessageById: async (id) => {
        const sent = await api(`sent?id=${encodeURIComponent(id)}`);
        if (sent) return { id: key(sent.id, sent.chat, true), ack: 1, body: sent.text };
        const waiting = queued.get(id);
        if (waiting) return { id: key(id, waiting.chat, true), ack: 0, body: waiting.text };
        const m = incoming.get(id);
        if (m) return { id: key(m.id, m.chat, false), ack: 3, body: m.body };
        throw new Error(`Message ${id} not found`);
      },
      downloadMedia: async (id) => {
        const res = await fetch(`/__fake/media?id=${encodeURIComponent(id)}`);
        if (!res.ok) throw new Error("media not found");
        return res.blob();
      },
      getMessages: async (chat, opts = {}) => chatMessages(String(chat), opts),
      list: async () => {
        const last = new Map(); // chat → time of its newest message
        for (const m of incoming.values()) last.set(m.chat, Math.max(last.get(m.chat) || 0, m.t));
        return [...last].map(([c, t]) => ({ id: wid(c), name: null, unreadCount: 0, t }));
      },
    },
    contact: {
      // As wa-js: {wid, lid} for a number on WhatsApp (the wid may be an old
      // 8-digit id), null for one without WhatsApp.
      queryExists: async (id) => {
        const found = await api(`exists?id=${encodeURIComponent(String(id))}`);
        return found ? { wid: wid(found.wid), lid: found.lid ? wid(found.lid) : undefined, biz: false } : null;
      },
      // As wa-js: the phone behind a LID when WhatsApp shares it, else {}.
      getPnLidEntry: async (id) => {
        const found = await api(`pnlid?id=${encodeURIComponent(String(id))}`);
        return found ? { lid: wid(found.lid), phoneNumber: wid(found.phone) } : {};
      },
      get: async (id) => {
        const m = [...incoming.values()].find((x) => x.chat === String(id));
        return m ? { id: wid(m.chat), name: null, pushname: m.name } : null;
      },
    },
  };

  window.__fake = {
    scan: async () => {
      await api("state", { paired: true });
      await goReady();
    },
    rotateQr: () => newQr(),
    poll: () => poll(),
    ack: (id, ack) => {
      const chat = id.split("_")[1];
      emit("chat.msg_ack_change", { ack, chat: wid(chat), ids: [key(id, chat, true)] });
    },
    setOnline: (online) => {
      emit("conn.online", online);
      if (online) void poll();
    },
    logoutFromPhone: async () => {
      await api("state", { paired: false });
      emit("conn.logout");
      startQr();
    },
    setSendLatency: (ms) => { sendLatencyMs = Number(ms) || 0; },
    // A renderer stuck in a loop: "connected but not answering".
    hang: () => { for (;;) { /* spin */ } },
  };

  window.WPP = WPP;
  api("state").then((s) => {
    state = Object.assign(state, s);
    readyCallbacks.splice(0).forEach((cb) => cb());
    // The loader is "ready" for the bridge from here on, whatever the login state.
    WPP.loader.onReady = (cb) => cb();
    if (state.paired) goReady().catch((e) => show(`erro: ${e}`));
    else startQr();
  }, (e) => show(`erro: ${e}`));
})();
