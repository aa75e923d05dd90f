// A fake of the Rust side, installed in the page before the UI loads. It keeps
// accounts and contacts in memory and answers the same commands with the same
// shapes (`{code, message}` on refusal) as src-tauri, so UI tests exercise the
// real UI code paths. Only the UI is under test here; the rules themselves are
// tested against the real core in crates/core/tests.
export function installMockBackend(seed) {
  let n = 0;
  const id = () => `0190f3b4-0000-7000-8000-${String(++n).padStart(12, "0")}`;
  const now = Date.UTC(2026, 10, 1);
  const state = {
    language: seed.language ?? "pt-BR",
    accounts: (seed.accounts ?? []).map((a) => ({ id: id(), phone: null, plan: "starter", status: "active", archived_at: null, created_at: now, updated_at: now, ...a })),
    contacts: [],
  };
  for (const c of seed.contacts ?? []) {
    const account = state.accounts[c.account ?? 0];
    state.contacts.push({ id: id(), account_id: account.id, phone: c.phone, name: c.name ?? null, created_at: now, updated_at: now });
  }
  state.numbers = (seed.numbers ?? []).map((n) => ({
    number: { id: id(), account_id: state.accounts[n.account ?? 0].id, name: n.name, kind: n.kind ?? "sandbox", status: "stopped", status_detail: null, phone: null, autostart: false, created_at: now, updated_at: now },
    status: n.status ?? { state: "stopped" },
  }));
  state.conversations = [];
  state.messages = [];
  for (const c of seed.conversations ?? []) {
    const n = state.numbers[c.number ?? 0];
    state.conversations.push({ id: id(), account_id: n.number.account_id, contact_id: id(), contact_name: c.name ?? null, contact_phone: c.phone, instance_id: n.number.id, instance_name: n.number.name, status: "open", unread_count: c.unread ?? 0, last_message_at: now, last_body: null, last_kind: null, last_direction: null, last_status: null });
  }
  const calls = [];
  const listeners = new Map();
  const callbacks = new Map();
  let nextListener = 1;
  // Delivers an event as Rust's `app.emit` would.
  const emit = (event, payload) => {
    for (const [eventId, l] of listeners) if (l.event === event) callbacks.get(l.handler)?.({ event, id: eventId, payload });
  };
  window.__MOCK__ = { state, calls, emit };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
  const QR = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";
  const number = (accountId, numberId) =>
    state.numbers.find((n) => n.number.account_id === accountId && n.number.id === numberId) ?? fail("number_unknown", "Este número não existe mais nesta conta.");
  const setStatus = (n, status) => {
    n.status = status;
    setTimeout(() => emit("fleet", { kind: "number", account: n.number.account_id, instance: n.number.id, status }), 0);
  };
  const message = (conv, fields) => {
    const m = { id: id(), account_id: conv.account_id, conversation_id: conv.id, instance_id: conv.instance_id, wa_message_id: null, direction: "inbound", kind: "text", body: "", status: "received", error: null, media_path: null, media_mime: null, media_name: null, media_size: null, media_error: null, sent_at: null, created_at: Date.now(), updated_at: Date.now(), ...fields };
    state.messages.push(m);
    Object.assign(conv, { last_body: m.body, last_kind: m.kind, last_direction: m.direction, last_status: m.status, last_message_at: m.created_at });
    return m;
  };
  window.__MOCK__.message = message;

  const fail = (code, message) => { throw { code, message }; };
  const digits = (s) => (s ?? "").replace(/\D/g, "");
  const phone = (raw) => {
    const d = digits(raw);
    if (!raw || /[a-z]/i.test(raw) || d.length < 10) fail("phone_invalid", `"${raw ?? ""}" não é um telefone válido.`);
    return d.startsWith("55") && d.length >= 12 ? `+${d}` : `+55${d}`;
  };
  const accountName = (raw) => {
    const name = (raw ?? "").trim().replace(/\s+/g, " ");
    if (!name) fail("name_empty", "Dê um nome à conta.");
    if (name.length > 80) fail("name_too_long", "O nome da conta pode ter no máximo 80 caracteres.");
    return name;
  };
  const account = (accountId) => state.accounts.find((a) => a.id === accountId) ?? fail("account_unknown", "Esta conta não existe mais.");
  const fold = (s) => (s ?? "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  const contact = (accountId, contactId) =>
    state.contacts.find((c) => c.account_id === accountId && c.id === contactId) ?? fail("contact_unknown", "Este contato não existe mais nesta conta.");
  const checkDuplicate = (accountId, p, except) => {
    if (state.contacts.some((c) => c.account_id === accountId && c.phone === p && c.id !== except))
      fail("phone_duplicate", `Já existe um contato com o telefone ${p} nesta conta.`);
  };
  const byName = (a, b) => (a.name === null) - (b.name === null) || fold(a.name).localeCompare(fold(b.name)) || a.phone.localeCompare(b.phone);

  const handlers = {
    app_start: () => (seed.startError ? fail(seed.startError.code, seed.startError.message) : { version: "0.1.0", data_dir: "/tmp/zapdesk-test", language: state.language }),
    settings_set_language: ({ language }) => { state.language = language; return null; },
    accounts_list: ({ includeArchived }) =>
      state.accounts.filter((a) => includeArchived || a.archived_at === null).sort((a, b) => a.name.localeCompare(b.name)),
    accounts_create: ({ input }) => {
      const a = { id: id(), name: accountName(input.name), phone: input.phone ? phone(input.phone) : null, plan: input.plan, status: input.status, archived_at: null, created_at: now, updated_at: now };
      state.accounts.push(a);
      return a;
    },
    accounts_update: ({ id: accountId, input }) => {
      const a = account(accountId);
      Object.assign(a, { name: accountName(input.name), phone: input.phone ? phone(input.phone) : null, plan: input.plan, status: input.status });
      return a;
    },
    accounts_set_archived: ({ id: accountId, archived }) => {
      const a = account(accountId);
      a.archived_at = archived ? now : null;
      return a;
    },
    contacts_list: ({ account: accountId, query }) => {
      account(accountId);
      const q = fold(query.search ?? "");
      const d = digits(query.search);
      const all = state.contacts
        .filter((c) => c.account_id === accountId)
        .filter((c) => !q || fold(c.name).includes(q) || (d && c.phone.includes(d)))
        .sort(byName);
      return { total: all.length, offset: query.offset, items: all.slice(query.offset, query.offset + query.limit) };
    },
    contacts_create: ({ account: accountId, input }) => {
      if (account(accountId).archived_at !== null) fail("account_archived", "Esta conta está arquivada.");
      const p = phone(input.phone);
      checkDuplicate(accountId, p);
      const c = { id: id(), account_id: accountId, phone: p, name: input.name?.trim() || null, created_at: now, updated_at: now };
      state.contacts.push(c);
      return c;
    },
    contacts_update: ({ account: accountId, id: contactId, input }) => {
      const c = contact(accountId, contactId);
      const p = phone(input.phone);
      checkDuplicate(accountId, p, contactId);
      Object.assign(c, { phone: p, name: input.name?.trim() || null });
      return c;
    },
    contacts_delete: ({ account: accountId, id: contactId }) => {
      contact(accountId, contactId);
      state.contacts = state.contacts.filter((c) => c.id !== contactId);
      return null;
    },
    numbers_list: ({ account: accountId }) => state.numbers.filter((n) => n.number.account_id === accountId),
    numbers_create: ({ account: accountId, input }) => {
      account(accountId);
      const name = (input.name ?? "").trim();
      if (!name) fail("name_empty", "Dê um nome ao número, por exemplo \"Vendas\".");
      const n = { number: { id: id(), account_id: accountId, name, kind: input.kind, status: "stopped", status_detail: null, phone: null, autostart: false, created_at: now, updated_at: now }, status: { state: "stopped" } };
      state.numbers.push(n);
      return n.number;
    },
    numbers_act: ({ account: accountId, id: numberId, action }) => {
      const n = number(accountId, numberId);
      if (action === "start" || action === "restart") setStatus(n, { state: "awaiting_qr", qr: QR, code: "2@mock" });
      if (action === "stop" || action === "logout") setStatus(n, { state: "stopped" });
      if (action === "remove") state.numbers = state.numbers.filter((x) => x !== n);
      return null;
    },
    numbers_pairing_code: () => "ABCD-1234",
    numbers_simulate: ({ account: accountId, id: numberId, simulation }) => {
      const n = number(accountId, numberId);
      if (simulation.kind === "scan") {
        n.number.phone = "+5511900000000";
        setStatus(n, { state: "connected", me: "5511900000000@c.us" });
        return null;
      }
      const p = phone(simulation.from);
      let conv = state.conversations.find((c) => c.instance_id === n.number.id && c.contact_phone === p);
      if (!conv) {
        conv = { id: id(), account_id: accountId, contact_id: id(), contact_name: simulation.name, contact_phone: p, instance_id: n.number.id, instance_name: n.number.name, status: "open", unread_count: 0, last_message_at: null, last_body: null, last_kind: null, last_direction: null, last_status: null };
        state.conversations.push(conv);
      }
      message(conv, { body: simulation.text });
      conv.unread_count += 1;
      setTimeout(() => emit("fleet", { kind: "conversation", account: accountId, conversation: conv.id, new_message: true }), 0);
      return null;
    },
    inbox_list: ({ account: accountId, instance }) =>
      state.conversations.filter((c) => c.account_id === accountId && (!instance || c.instance_id === instance)).sort((a, b) => (b.last_message_at ?? 0) - (a.last_message_at ?? 0)),
    inbox_thread: ({ account: accountId, conversation }) => {
      if (!state.conversations.some((c) => c.account_id === accountId && c.id === conversation)) fail("conversation_unknown", "Esta conversa não existe mais nesta conta.");
      return state.messages.filter((m) => m.conversation_id === conversation);
    },
    inbox_reply: ({ account: accountId, conversation, text }) => {
      const conv = state.conversations.find((c) => c.account_id === accountId && c.id === conversation) ?? fail("conversation_unknown", "Esta conversa não existe mais nesta conta.");
      if (!text.trim()) fail("message_empty", "Escreva a mensagem antes de enviar.");
      const n = state.numbers.find((x) => x.number.id === conv.instance_id);
      const connected = n?.status.state === "connected";
      message(conv, { direction: "outbound", body: text.trim(), status: connected ? "sent" : "pending" });
      return connected;
    },
    inbox_mark_read: ({ account: accountId, conversation }) => {
      const conv = state.conversations.find((c) => c.account_id === accountId && c.id === conversation);
      if (conv) conv.unread_count = 0;
      return null;
    },
    "plugin:event|listen": ({ event, handler }) => {
      const eventId = nextListener++;
      listeners.set(eventId, { event, handler });
      return eventId;
    },
    "plugin:event|unlisten": ({ eventId }) => {
      listeners.delete(eventId);
      return null;
    },
  };

  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback: (cb) => { const key = nextListener++; callbacks.set(key, cb); return key; },
    invoke: async (cmd, args = {}) => {
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw `unknown command ${cmd}`;
      return structuredClone(handler(args));
    },
  };
}
