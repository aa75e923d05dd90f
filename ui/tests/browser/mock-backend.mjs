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
    state.contacts.push({ id: id(), account_id: account.id, phone: c.phone, name: c.name ?? null, opted_out_at: c.optedOut ? now : null, created_at: now, updated_at: now });
  }
  state.numbers = (seed.numbers ?? []).map((n) => ({
    number: { id: id(), account_id: state.accounts[n.account ?? 0].id, name: n.name, kind: n.kind ?? "sandbox", status: "stopped", status_detail: null, phone: null, autostart: false, created_at: now, updated_at: now },
    status: n.status ?? { state: "stopped" },
  }));
  state.conversations = [];
  state.messages = [];
  for (const c of seed.conversations ?? []) {
    const n = state.numbers[c.number ?? 0];
    const conv = { opted_out_at: c.optedOut ? now : null, id: id(), account_id: n.number.account_id, contact_id: id(), contact_name: c.name ?? null, contact_phone: c.phone, instance_id: n.number.id, instance_name: n.number.name, status: c.status ?? "open", owner: "bot", assignee_id: null, assignee_name: null, unread_count: c.unread ?? 0, last_message_at: now + state.conversations.length, last_body: null, last_kind: null, last_direction: null, last_status: null };
    state.conversations.push(conv);
    for (const body of c.messages ?? []) state.pendingSeed = [...(state.pendingSeed ?? []), [conv, body]];
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
  for (const [conv, body] of state.pendingSeed ?? []) message(conv, { body });
  state.users = (seed.users ?? []).map((u) => ({ id: id(), name: u.name, email: u.email ?? `${u.name.toLowerCase()}@agencia.com`, role: u.role ?? "agent", created_at: now }));
  state.me = seed.me === undefined ? null : state.users[seed.me]?.id ?? null;
  state.notes = [];
  state.drafts = {};
  state.quickReplies = (seed.quickReplies ?? []).map((q) => ({ id: id(), ...q }));
  state.sentFiles = [];
  const conversation = (accountId, convId) =>
    state.conversations.find((c) => c.account_id === accountId && c.id === convId) ?? fail("conversation_unknown", "Esta conversa não existe mais nesta conta.");
  const withAssignee = (c) => ({ ...c, assignee_name: state.users.find((u) => u.id === c.assignee_id)?.name ?? null });
  const fold2 = (s) => (s ?? "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");

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
      const c = { id: id(), account_id: accountId, phone: p, name: input.name?.trim() || null, opted_out_at: null, created_at: now, updated_at: now };
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
    contacts_set_opt_out: ({ account: accountId, id: contactId, optedOut }) => {
      const conv = state.conversations.find((x) => x.account_id === accountId && x.contact_id === contactId);
      if (conv) { conv.opted_out_at = optedOut ? now : null; return { id: contactId, account_id: accountId, phone: conv.contact_phone, name: conv.contact_name, opted_out_at: conv.opted_out_at, created_at: now, updated_at: now }; }
      const c = contact(accountId, contactId);
      c.opted_out_at = optedOut ? now : null;
      return c;
    },
    tags_list: ({ account: accountId }) => (state.tags ??= []).filter((x) => x.account_id === accountId),
    tags_create: ({ account: accountId, input }) => {
      const name = input.name.trim();
      if (!name) fail("name_empty", "Dê um nome à etiqueta.");
      if ((state.tags ??= []).some((x) => x.account_id === accountId && x.name === name)) fail("tag_duplicate", `Já existe a etiqueta "${name}" nesta conta.`);
      const tag = { id: id(), account_id: accountId, name, color: input.color, created_at: now };
      state.tags.push(tag);
      return tag;
    },
    tags_delete: ({ tag }) => { state.tags = state.tags.filter((x) => x.id !== tag); state.contactTags = (state.contactTags ?? []).filter((x) => x.tag !== tag); return null; },
    tags_apply: ({ tag, contacts, on }) => {
      state.contactTags ??= [];
      let n = 0;
      for (const c of contacts) {
        const has = state.contactTags.some((x) => x.tag === tag && x.contact === c);
        if (on && !has) { state.contactTags.push({ tag, contact: c }); n++; }
        if (!on && has) { state.contactTags = state.contactTags.filter((x) => !(x.tag === tag && x.contact === c)); n++; }
      }
      return n;
    },
    tags_of_contact: ({ contact: c }) => (state.contactTags ?? []).filter((x) => x.contact === c).map((x) => state.tags.find((tg) => tg.id === x.tag)),
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
        conv = { id: id(), account_id: accountId, contact_id: id(), contact_name: simulation.name, contact_phone: p, instance_id: n.number.id, instance_name: n.number.name, status: "open", owner: "bot", assignee_id: null, assignee_name: null, unread_count: 0, last_message_at: null, last_body: null, last_kind: null, last_direction: null, last_status: null };
        state.conversations.push(conv);
      }
      message(conv, { body: simulation.text });
      conv.unread_count += 1;
      setTimeout(() => emit("fleet", { kind: "conversation", account: accountId, conversation: conv.id, new_message: true }), 0);
      return null;
    },
    inbox_list: ({ account: accountId, filter }) => {
      if (filter.who === "mine" && !state.me) return [];
      return state.conversations
        .filter((c) => c.account_id === accountId && (!filter.instance || c.instance_id === filter.instance))
        .filter((c) => !filter.status || c.status === filter.status)
        .filter((c) => filter.who === "all" || (filter.who === "mine" ? c.assignee_id === state.me : c.assignee_id === null))
        .sort((a, b) => (b.last_message_at ?? 0) - (a.last_message_at ?? 0))
        .map(withAssignee);
    },
    inbox_get: ({ account: accountId, conversation: convId }) => withAssignee(conversation(accountId, convId)),
    inbox_contact: ({ account: accountId, conversation: convId }) => {
      const c = conversation(accountId, convId);
      return {
        contact: { id: c.contact_id, account_id: accountId, phone: c.contact_phone, name: c.contact_name, opted_out_at: c.opted_out_at ?? null, created_at: now, updated_at: now },
        conversations: state.conversations.filter((x) => x.contact_id === c.contact_id).map(withAssignee),
      };
    },
    inbox_notes: ({ account: accountId, conversation: convId }) => state.notes.filter((n) => n.account_id === accountId && n.conversation_id === convId),
    inbox_add_note: ({ account: accountId, conversation: convId, body }) => {
      conversation(accountId, convId);
      if (!body.trim()) fail("message_empty", "Escreva a mensagem antes de enviar.");
      const note = { id: id(), account_id: accountId, conversation_id: convId, author_id: state.me, author_name: state.users.find((u) => u.id === state.me)?.name ?? null, body: body.trim(), created_at: Date.now() };
      state.notes.push(note);
      return note;
    },
    inbox_draft: ({ conversation: convId }) => state.drafts[convId] ?? null,
    inbox_save_draft: ({ conversation: convId, body }) => { if (body.trim()) state.drafts[convId] = body; else delete state.drafts[convId]; return null; },
    inbox_assign: ({ account: accountId, conversation: convId, user }) => {
      const c = conversation(accountId, convId);
      c.assignee_id = user;
      if (user) c.owner = "human";
      return null;
    },
    inbox_set_status: ({ account: accountId, conversation: convId, status }) => {
      const c = conversation(accountId, convId);
      c.status = status;
      if (status === "resolved") c.owner = "bot";
      return null;
    },
    inbox_set_owner: ({ account: accountId, conversation: convId, owner }) => { conversation(accountId, convId).owner = owner; return null; },
    inbox_search: ({ account: accountId, text }) => {
      const words = fold2(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      const messages = state.messages
        .filter((m) => m.account_id === accountId && words.every((w) => fold2(m.body).split(/[^\p{L}\p{N}]+/u).some((x) => x.startsWith(w))))
        .map((m) => {
          const c = state.conversations.find((x) => x.id === m.conversation_id);
          const snippet = m.body.split(/(\s+)/).map((x) => (words.some((w) => fold2(x).startsWith(w)) ? `\u0002${x}\u0003` : x)).join("");
          return { message_id: m.id, conversation_id: m.conversation_id, contact_name: c.contact_name, contact_phone: c.contact_phone, direction: m.direction, snippet, created_at: m.created_at };
        });
      return { messages, contacts: [] };
    },
    inbox_send_file: ({ account: accountId, conversation: convId, file }) => {
      const c = conversation(accountId, convId);
      if (/\.exe$/i.test(file.name)) fail("attachment_blocked", "Arquivos .exe não podem ser enviados (programas e scripts são bloqueados).");
      state.sentFiles.push(file);
      const connected = state.numbers.find((x) => x.number.id === c.instance_id)?.status.state === "connected";
      message(c, { direction: "outbound", kind: "document", body: file.caption ?? "", media_name: file.name, media_path: "media/x", media_mime: file.mime, status: connected ? "sent" : "pending" });
      return connected;
    },
    inbox_media: ({ message: messageId }) => {
      const m = state.messages.find((x) => x.id === messageId);
      return `data:${m?.media_mime ?? "application/octet-stream"};base64,AAAA`;
    },
    quick_replies_list: ({ account: accountId }) => state.quickReplies.filter((q) => (q.account ?? 0) === state.accounts.findIndex((a) => a.id === accountId)),
    quick_replies_create: ({ input }) => {
      if (/\s/.test(input.shortcut.trim()) || !input.shortcut.trim()) fail("shortcut_invalid", "O atalho deve ter de 1 a 32 letras, números, - ou _, sem espaços (ex.: horario).");
      const q = { id: id(), shortcut: input.shortcut.replace(/^\//, "").toLowerCase(), body: input.body, account: 0 };
      state.quickReplies.push(q);
      return q;
    },
    quick_replies_update: () => null,
    quick_replies_delete: ({ id: qid }) => { state.quickReplies = state.quickReplies.filter((q) => q.id !== qid); return null; },
    users_list: () => state.users,
    users_create: ({ input }) => {
      if (!input.email.includes("@")) fail("email_invalid", `"${input.email}" não é um e-mail válido.`);
      const u = { id: id(), name: input.name, email: input.email, role: input.role, created_at: now };
      state.users.push(u);
      return u;
    },
    users_me: () => state.users.find((u) => u.id === state.me) ?? null,
    users_set_me: ({ id: uid }) => { state.me = uid; return state.users.find((u) => u.id === uid); },
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
