// A fake of the Rust side, installed in the page before the UI loads. It keeps
// accounts and contacts in memory and answers the same commands with the same
// shapes (`{code, message}` on refusal) as src-tauri, so UI tests exercise the
// real UI code paths. Only the UI is under test here; the rules themselves are
// tested against the real core in crates/core/tests.
//
// CRM seeds: `tags` [{name, color}], `fields` [{label, kind, choices}],
// contacts with `tags` (names), `fields` ({label: value}), `createdAt` and
// `lastMessageAt`, `segments` [{name, filter}]; for the import wizard
// `importFile` (what the file picker "chose"; null = cancelled),
// `importPickError`, `importReport`, `importProgress` (the two `import`
// events), `importContacts` (added by the run) and `importHold` (the run waits
// halfway until the test calls `__MOCK__.releaseImport()`); `exportPath`.
// Campaigns: `campaigns` [{name, status, message, numbers (indexes), startsAt,
// report (counts; total defaults to their sum), timeline ([{hour, queued,
// sent, replied}]), replyFlow (a seeded flow's name)}]; `campaignExportPath`
// (null = the save dialog cancelled).
// `campaigns_test_send` records each test in `state.testSends`.
// Sync: `sync` {connection, status} (default: no connection). Tests push a new
// engine status with `__MOCK__.syncStatus(status)` (a `sync` event, as Rust's
// runner emits). `sync_test`/`sync_save` refuse port 6543 (pooler), password
// "errada", host "fora.do.ar" (unreachable) and no encryption to another host.
// `__MOCK__.pulled(tables)` is a pull as Rust's engine reports it: the
// status's `pulled` counter moves (a `sync` event) and `changed` names each
// table written, for the account (the first one unless given).
// `changed`: as Rust, one event per table written, `{account, table}`, after
// every write command (WRITES below), a number's status, a simulated message
// and campaign progress. Tests write "from another desktop" with
// `__MOCK__.changed(account, table)` after changing `state`, and move a
// campaign with `__MOCK__.campaignProgress(index, (report) => …)`.
export function installMockBackend(seed) {
  let n = 0;
  const id = () => `0190f3b4-0000-7000-8000-${String(++n).padStart(12, "0")}`;
  const now = Date.UTC(2026, 10, 1);
  const state = {
    language: seed.language ?? "pt-BR",
    accounts: (seed.accounts ?? []).map((a) => ({ id: id(), phone: null, plan: "starter", status: "active", archived_at: null, created_at: now, updated_at: now, ...a })),
    contacts: [],
  };
  // Tags, custom fields and their values, segments and the audit log of the CRM side.
  state.tags = (seed.tags ?? []).map((tg) => ({ id: id(), account_id: state.accounts[tg.account ?? 0].id, name: tg.name, color: tg.color ?? "#0f766e", created_at: now }));
  state.contactTags = [];
  state.fields = [];
  state.fieldValues = [];
  state.segments = [];
  state.audit = [];
  for (const c of seed.contacts ?? []) {
    const account = state.accounts[c.account ?? 0];
    const created = c.createdAt ?? now;
    const contact = { id: id(), account_id: account.id, phone: c.phone, name: c.name ?? null, opted_out_at: c.optedOut ? now : null, created_at: created, updated_at: created };
    state.contacts.push(contact);
    if (c.lastMessageAt) (state.lastMessage ??= {})[contact.id] = c.lastMessageAt;
    for (const name of c.tags ?? []) {
      const tag = state.tags.find((x) => x.account_id === account.id && x.name === name);
      state.contactTags.push({ tag: tag.id, contact: contact.id });
    }
  }
  state.numbers = (seed.numbers ?? []).map((n) => ({
    number: { id: id(), account_id: state.accounts[n.account ?? 0].id, name: n.name, kind: n.kind ?? "sandbox", status: "stopped", status_detail: null, phone: null, autostart: false, created_at: now, updated_at: now },
    status: n.status ?? { state: "stopped" },
    runs_elsewhere: n.runsElsewhere ?? null,
  }));
  state.conversations = [];
  state.messages = [];
  for (const c of seed.conversations ?? []) {
    const n = state.numbers[c.number ?? 0];
    const conv = { opted_out_at: c.optedOut ? now : null, id: id(), account_id: n.number.account_id, contact_id: id(), contact_name: c.name ?? null, contact_phone: c.phone, instance_id: n.number.id, instance_name: n.number.name, status: c.status ?? "open", owner: "bot", assignee_id: null, assignee_name: null, unread_count: c.unread ?? 0, campaign_unanswered: Boolean(c.campaignUnanswered), last_message_at: now + state.conversations.length, last_body: null, last_kind: null, last_direction: null, last_status: null };
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
  // The tables Rust's write commands change (the UI's src/data/tables.ts
  // keeps its own copy: this one is the backend's word).
  const WRITES = {
    settings_set_language: ["settings"], accounts_create: ["accounts"], accounts_update: ["accounts"], accounts_set_archived: ["accounts"],
    contacts_create: ["contacts"], contacts_update: ["contacts"], contacts_delete: ["contacts", "contact_tags", "contact_fields", "conversations", "messages", "flow_sessions"], contacts_set_opt_out: ["contacts"],
    numbers_create: ["instances"], numbers_act: ["instances", "conversations", "messages", "flow_sessions"],
    inbox_reply: ["messages", "conversations"], inbox_start: ["conversations", "contacts"], inbox_send_file: ["messages", "conversations"], inbox_send_voice: ["messages", "conversations"], inbox_mark_read: ["conversations"],
    inbox_assign: ["conversations"], inbox_set_status: ["conversations"], inbox_set_owner: ["conversations"], inbox_add_note: ["notes"], inbox_save_draft: ["drafts"],
    tags_create: ["tags"], tags_delete: ["tags", "contact_tags"], tags_apply: ["contact_tags"], tags_apply_selection: ["contact_tags"],
    fields_create: ["custom_fields"], fields_update: ["custom_fields", "contact_fields"], fields_delete: ["custom_fields", "contact_fields"], fields_set_values: ["contact_fields"],
    contacts_delete_selection: ["contacts", "contact_tags", "contact_fields", "conversations", "messages", "flow_sessions"], segments_create: ["segments"], segments_update: ["segments"], segments_delete: ["segments"],
    contacts_import_run: ["contacts", "contact_tags", "contact_fields", "tags"], contacts_lgpd_export: ["audit_log"],
    contacts_erase: ["contacts", "contact_tags", "contact_fields", "conversations", "messages", "notes", "drafts", "audit_log", "campaign_recipients", "flow_sessions"],
    quick_replies_create: ["quick_replies"], quick_replies_update: ["quick_replies"], quick_replies_delete: ["quick_replies"],
    users_set_me: ["settings"], team_invite: ["users"], team_edit: ["users"], team_remove: ["users", "conversations"],
    campaigns_create: ["campaigns", "campaign_recipients", "campaign_files"], campaigns_set_status: ["campaigns", "campaign_recipients"], campaigns_set_pacing: ["campaigns"],
    campaigns_test_send: ["messages", "conversations"], sync_save: ["settings", "users"], sync_disconnect: ["settings"],
    campaigns_duplicate: ["campaigns", "campaign_files"], campaigns_start_draft: ["campaigns", "campaign_recipients", "campaign_files"],
    campaigns_delete_draft: ["campaigns", "campaign_files"],
    business_hours_save: ["automation_settings"],
  };
  // Rows of `table` changed for `account` (null: every account), after the write, as Rust emits it.
  const changed = (account, table) => setTimeout(() => emit("changed", { account, table }), 0);
  const AGENCY = ["settings_set_language", "accounts_create", "accounts_update", "accounts_set_archived", "users_set_me", "team_invite", "team_edit", "team_remove", "sync_save", "sync_disconnect"];
  window.__MOCK__ = { state, calls, emit, changed };
  state.sync = seed.sync ?? { connection: null, status: null };
  state.parked = seed.parked ?? [];
  // A new engine status for the saved connection, pushed like the runner does.
  window.__MOCK__.syncStatus = (status) => {
    state.sync = { ...state.sync, status };
    emit("sync", state.sync);
  };
  // A pull wrote rows of `tables` (after the test changed `state`).
  window.__MOCK__.pulled = (tables, account = state.accounts[0]?.id) => {
    const status = state.sync.status;
    window.__MOCK__.syncStatus({ ...status, last_sync: Date.now(), pulled: (status?.pulled ?? 0) + 1 });
    for (const table of tables) changed(account, table);
  };
  // The campaign runner moved campaign `index`: its report changes and Rust says so.
  window.__MOCK__.campaignProgress = (index, move) => {
    const c = state.campaigns[index];
    move(c.report);
    changed(c.account_id, "campaigns");
    changed(c.account_id, "campaign_recipients");
  };
  // The checks of crates/sync's connection test, with its messages.
  const remoteCheck = (settings, password) => {
    const local = ["localhost", "127.0.0.1", "::1"].includes(settings.host.trim().toLowerCase());
    if (!settings.host.trim()) fail("remote_invalid", "Endereço de banco de dados inválido: host is empty.");
    if (settings.tls === "disable" && !local) fail("remote_invalid", `${settings.host} não é este computador: a conexão precisa ser criptografada e verificada (verify-full). Desativar a criptografia só é permitido para localhost ou 127.0.0.1.`);
    if (settings.port === 6543) fail("remote_pooler_transaction_mode", "A porta 6543 é o pooler em modo transação do Supabase, que o ZapDesk não pode usar. Use a conexão direta ou o pooler em modo sessão, na porta 5432.");
    if (settings.host === "fora.do.ar") fail("remote_unreachable", `Não foi possível conectar ao banco de dados da agência em ${settings.host}:${settings.port}. Confira o endereço e a porta e se este computador está na internet.`);
    if (password === "errada") fail("remote_auth_failed", `O banco de dados recusou o login de "${settings.operator}". Confira o operador e a senha enviados pelo administrador da agência.`);
    return { schema_version: 3, operator: settings.operator, operator_id: id(), display_name: "Ana Operadora", email: "ana.operadora@agencia.com", memberships: [{ account: state.accounts[0]?.id ?? id(), account_name: state.accounts[0]?.name ?? "", role: "agent" }] };
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
  const QR = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";
  const number = (accountId, numberId) =>
    state.numbers.find((n) => n.number.account_id === accountId && n.number.id === numberId) ?? fail("number_unknown", "Este número não existe mais nesta conta.");
  const setStatus = (n, status) => {
    n.status = status;
    setTimeout(() => emit("fleet", { kind: "number", account: n.number.account_id, instance: n.number.id, status }), 0);
    changed(n.number.account_id, "instances");
  };
  const message = (conv, fields) => {
    const m = { id: id(), account_id: conv.account_id, conversation_id: conv.id, instance_id: conv.instance_id, wa_message_id: null, direction: "inbound", kind: "text", body: "", status: "received", error: null, media_path: null, media_mime: null, media_name: null, media_size: null, media_error: null, sent_at: null, created_at: Date.now(), updated_at: Date.now(), bot_source: null, bot_ref: null, bot_node: null, ...fields };
    state.messages.push(m);
    Object.assign(conv, { last_body: m.body, last_kind: m.kind, last_direction: m.direction, last_status: m.status, last_message_at: m.created_at });
    return m;
  };
  window.__MOCK__.message = message;
  for (const [conv, body] of state.pendingSeed ?? []) message(conv, { body });
  // Team (crates/core/src/team.rs): `accounts` are indexes of seed.accounts (default: every
  // account); a removed operator keeps their row.
  state.users = (seed.users ?? []).map((u) => ({ id: id(), name: u.name, email: u.email ?? `${u.name.toLowerCase()}@agencia.com`, role: u.role ?? "agent", created_at: now, accounts: u.accounts === undefined ? state.accounts.map((a) => a.id) : u.accounts.map((i) => state.accounts[i].id), removed: false }));
  state.me = seed.me === undefined ? null : state.users[seed.me]?.id ?? null;
  state.meFromLogin = seed.meFromLogin ?? false;
  // What an agent is refused (crates/core/src/access.rs), with its texts.
  const meRole = () => { const me = state.users.find((u) => u.id === state.me); return me === undefined ? null : me.removed ? "removed" : me.role; };
  const agentRefused = (what) => {
    if (meRole() === "agent" || meRole() === "removed") fail("operator_forbidden", { export: "Só donos e administradores podem exportar dados.", erase: "Só donos e administradores podem apagar os dados de um contato (LGPD).", team: "Só donos e administradores podem gerenciar a equipe.", settings: "Só donos e administradores podem mudar as configurações." }[what]);
  };
  const granted = (accountId) => {
    const me = state.users.find((u) => u.id === state.me);
    return !me || (!me.removed && me.role !== "agent") || (!me.removed && me.accounts.includes(accountId));
  };
  const member = (u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, created_at: u.created_at, accounts: state.accounts.filter((a) => u.accounts.includes(a.id)).map((a) => a.id) });
  const live = () => state.users.filter((u) => !u.removed).sort((a, b) => a.name.localeCompare(b.name));
  state.notes = [];
  state.drafts = {};
  state.quickReplies = (seed.quickReplies ?? []).map((q) => ({ id: id(), ...q }));
  state.sentFiles = [];
  // Voice messages as the UI sent them ({mime, bytes}), for the voice tests.
  state.sentVoices = [];
  const conversation = (accountId, convId) =>
    state.conversations.find((c) => c.account_id === accountId && c.id === convId) ?? fail("conversation_unknown", "Esta conversa não existe mais nesta conta.");
  const withAssignee = (c) => ({ ...c, assignee_name: state.users.find((u) => u.id === c.assignee_id)?.name ?? null });
  const fold2 = (s) => (s ?? "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");

  const fail = (code, message) => { throw { code, message }; };
  // CampaignError::NotDraft's words, as Rust (campaigns/error.rs).
  const NOT_DRAFT = "Isto não é mais um rascunho: já foi iniciado (talvez em outra janela ou computador). Só um rascunho pode ser iniciado ou excluído; uma campanha criada fica com o seu relatório (cancele-a para parar o envio).";
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

  // Custom field values the way crates/core/src/fields.rs reads them.
  const parseNumber = (raw) => {
    const s = raw.replace(/^R\$/, "").replace(/\s/g, "");
    if (!s || !/^[\d.,+-]+$/.test(s)) return null;
    const dot = s.lastIndexOf("."), comma = s.lastIndexOf(",");
    const count = (ch) => s.split(ch).length - 1;
    let plain = s;
    if (dot >= 0 && comma >= 0) plain = comma > dot ? s.replaceAll(".", "").replace(",", ".") : s.replaceAll(",", "");
    else if (comma >= 0) plain = count(",") > 1 ? s.replaceAll(",", "") : s.replace(",", ".");
    else if (dot >= 0 && (count(".") > 1 || s.length - dot - 1 === 3)) plain = s.replaceAll(".", "");
    const n = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(plain) ? Number(plain) : NaN;
    return Number.isFinite(n) ? n : null;
  };
  const parseDate = (raw) => {
    const parts = raw.split(/[/.-]/);
    if (parts.length !== 3 || !parts.every((p) => /^\d{1,4}$/.test(p))) return null;
    const [a, b, c] = parts;
    const [y, m, d] = a.length === 4 ? [a, b, c].map(Number) : c.length === 4 ? [c, b, a].map(Number) : [];
    if (y === undefined) return null;
    const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
    if (!days || d < 1 || d > days || y < 1000) return null;
    return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  };
  const EXPECTED = {
    text: () => "um texto de até 500 caracteres",
    number: () => "um número, como 1.234,56",
    date: () => "uma data como 31/12/2024",
    yes_no: () => "sim ou não",
    choice: (f) => `uma das opções: ${f.choices.join(", ")}`,
  };
  /** `{value, num}` in canonical form, null for empty; refuses like Rust. */
  const canonical = (f, raw) => {
    const v = (raw ?? "").trim();
    if (!v) return null;
    const bad = () => fail("field_value_invalid", `"${v.slice(0, 60)}" não serve para o campo ${f.label}: use ${EXPECTED[f.kind](f)}.`);
    switch (f.kind) {
      case "number": { const n = parseNumber(v); if (n === null) bad(); return { value: String(n), num: n }; }
      case "date": { const d = parseDate(v); if (!d) bad(); return { value: d, num: null }; }
      case "yes_no": {
        const x = fold(v);
        if (["sim", "s", "yes", "y", "true", "verdadeiro", "1", "x"].includes(x)) return { value: "true", num: null };
        if (["nao", "n", "no", "false", "falso", "0"].includes(x)) return { value: "false", num: null };
        return bad();
      }
      case "choice": { const c = f.choices.find((x) => fold(x) === fold(v)); if (!c) bad(); return { value: c, num: null }; }
      default: if (v.length > 500) bad(); return { value: v, num: null };
    }
  };
  const keyOf = (label) => fold(label).replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  const fieldOf = (accountId, fieldId) => state.fields.find((f) => f.account_id === accountId && f.id === fieldId) ?? fail("field_unknown", "Este campo não existe mais. Atualize a tela.");
  const validField = (accountId, input, except) => {
    const label = (input.label ?? "").trim().replace(/\s+/g, " ");
    if (!label) fail("name_empty", "Dê um nome ao campo.");
    if (label.length > 40) fail("name_too_long", "O nome do campo pode ter no máximo 40 caracteres.");
    const key = keyOf(label);
    if (!key) fail("field_invalid", "O nome do campo precisa ter ao menos uma letra ou número.");
    const choices = input.kind === "choice" ? input.choices.map((c) => c.trim().replace(/\s+/g, " ")).filter(Boolean) : [];
    if (input.kind === "choice" && choices.length === 0) fail("field_invalid", "Um campo de escolha precisa de pelo menos uma opção.");
    if (new Set(choices.map(fold)).size !== choices.length) fail("field_invalid", "As opções devem ser diferentes entre si, com até 500 caracteres, e no máximo 50.");
    if (state.fields.some((f) => f.account_id === accountId && f.key === key && f.id !== except)) fail("field_duplicate", `Já existe um campo "${label}" nesta conta.`);
    return { label, key, choices };
  };
  const valueOf = (contactId, fieldId) => state.fieldValues.find((v) => v.contact === contactId && v.field === fieldId);
  const tagsOf = (contactId) => state.contactTags.filter((x) => x.contact === contactId).map((x) => x.tag);
  // As contacts::list: tags, and every field value (the optional columns).
  const item = (c) => ({
    ...c, tags: tagsOf(c.id),
    fields: state.fieldValues.filter((v) => v.contact === c.id).map((v) => ({ field_id: v.field, value: v.value })),
  });

  // One field condition, as crates/core/src/filter.rs builds it.
  const conditionTest = (accountId, cond) => {
    const f = fieldOf(accountId, cond.field);
    let op = cond.op;
    let want = null;
    if (op !== "is_set" && op !== "is_empty") {
      want = canonical(f, cond.value);
      if (!want) op = op === "is_not" ? "is_set" : "is_empty";
    }
    return (contactId) => {
      const v = valueOf(contactId, f.id);
      switch (op) {
        case "is_set": return !!v;
        case "is_empty": return !v;
        case "is": return !!v && (f.kind === "text" ? v.value.toLowerCase() === want.value.toLowerCase() : v.value === want.value);
        case "is_not": return !(v && (f.kind === "text" ? v.value.toLowerCase() === want.value.toLowerCase() : v.value === want.value));
        case "contains": return !!v && v.value.toLowerCase().includes(want.value.toLowerCase());
        case "greater": return !!v && (f.kind === "number" ? v.num > want.num : v.value > want.value);
        case "less": return !!v && (f.kind === "number" ? v.num < want.num : v.value < want.value);
        default: return false;
      }
    };
  };
  /** The contacts of an account a filter matches, sorted as listed. */
  const filtered = (accountId, f = {}) => {
    account(accountId);
    const tests = (f.fields ?? []).map((c) => conditionTest(accountId, c));
    const q = fold((f.search ?? "").trim());
    const d = digits(f.search);
    const last = (c) => state.lastMessage?.[c.id] ?? null;
    const within = (v, after, before) => (after == null || (v !== null && v >= after)) && (before == null || (v !== null && v < before));
    return state.contacts
      .filter((c) => c.account_id === accountId)
      .filter((c) => !q || fold(c.name).includes(q) || (d && c.phone.includes(d)))
      .filter((c) => {
        const mine = tagsOf(c.id);
        return (f.tags_all ?? []).every((x) => mine.includes(x))
          && (!(f.tags_any ?? []).length || f.tags_any.some((x) => mine.includes(x)))
          && !(f.tags_none ?? []).some((x) => mine.includes(x));
      })
      .filter((c) => tests.every((test) => test(c.id)))
      .filter((c) => within(c.created_at, f.created_after, f.created_before))
      .filter((c) => (f.last_message_after == null && f.last_message_before == null) || within(last(c), f.last_message_after, f.last_message_before))
      .filter((c) => f.opted_out == null || (f.opted_out ? c.opted_out_at !== null : c.opted_out_at === null))
      .sort(byName);
  };
  const selected = (accountId, selection) =>
    selection.kind === "ids" ? state.contacts.filter((c) => c.account_id === accountId && selection.ids.includes(c.id)) : filtered(accountId, selection.filter);
  const removeContacts = (ids) => {
    state.contacts = state.contacts.filter((c) => !ids.includes(c.id));
    state.contactTags = state.contactTags.filter((x) => !ids.includes(x.contact));
    state.fieldValues = state.fieldValues.filter((v) => !ids.includes(v.contact));
  };
  // Rust fills every part of a stored filter with its default.
  const fullFilter = (f) => ({ search: null, tags_all: [], tags_any: [], tags_none: [], fields: [], created_after: null, created_before: null, last_message_after: null, last_message_before: null, opted_out: null, ...f });
  const segmentName = (accountId, raw, except) => {
    const name = (raw ?? "").trim().replace(/\s+/g, " ");
    if (!name) fail("name_empty", "Dê um nome ao segmento.");
    if (name.length > 60) fail("name_too_long", "O nome do segmento pode ter no máximo 60 caracteres.");
    if (state.segments.some((x) => x.account_id === accountId && x.name.toLowerCase() === name.toLowerCase() && x.id !== except)) fail("segment_duplicate", `Já existe um segmento "${name}" nesta conta.`);
    return name;
  };
  const audit = (accountId, contactId, action) => state.audit.unshift({
    id: id(), account_id: accountId, actor_id: state.me, actor_name: state.users.find((u) => u.id === state.me)?.name ?? "Operador não identificado", action, contact_id: contactId, at: Date.now(),
  });
  for (const f of seed.fields ?? []) {
    const accountId = state.accounts[f.account ?? 0].id;
    const { label, key, choices } = validField(accountId, { kind: f.kind ?? "text", choices: f.choices ?? [], label: f.label });
    state.fields.push({ id: id(), account_id: accountId, key, label, kind: f.kind ?? "text", choices, created_at: now });
  }
  (seed.contacts ?? []).forEach((c, i) => {
    for (const [label, raw] of Object.entries(c.fields ?? {})) {
      const contact = state.contacts[i];
      const f = state.fields.find((x) => x.account_id === contact.account_id && x.label === label);
      state.fieldValues.push({ contact: contact.id, field: f.id, ...canonical(f, raw) });
    }
  });
  for (const sg of seed.segments ?? []) state.segments.push({ id: id(), account_id: state.accounts[sg.account ?? 0].id, name: sg.name, filter: fullFilter(sg.filter ?? {}), created_at: now, updated_at: now });

  // Campaign messages as crates/core/src/campaigns/template.rs reads them:
  // a tree of text, variables and spintax groups, refused like Rust.
  const BUILT_IN = ["nome", "primeiro_nome", "telefone"];
  const parseTemplate = (accountId, text) => {
    if (!(text ?? "").trim()) fail("message_empty", "Escreva a mensagem da campanha.");
    const keys = state.fields.filter((f) => f.account_id === accountId).map((f) => f.key);
    const chars = [...text];
    let at = 0;
    const seq = (depth) => {
      const parts = [];
      let buf = "";
      const flush = () => { if (buf) parts.push({ text: buf }); buf = ""; };
      while (at < chars.length) {
        const c = chars[at];
        if (c === "{" && chars[at + 1] === "{") {
          const start = at;
          let close = -1;
          for (let i = start + 2; i < chars.length - 1; i++) if (chars[i] === "}" && chars[i + 1] === "}") { close = i; break; }
          if (close < 0) fail("template_invalid", `Uma variável aberta com {{ no caractere ${start + 1} não é fechada com }}.`);
          const inner = chars.slice(start + 2, close).join("");
          const bar = inner.indexOf("|");
          const key = (bar < 0 ? inner : inner.slice(0, bar)).trim().toLowerCase();
          const fallback = bar < 0 ? "" : inner.slice(bar + 1).trim();
          if (!BUILT_IN.includes(key) && !keys.includes(key)) fail("template_invalid", `A variável {{${key}}} não existe. Use {{nome}}, {{primeiro_nome}}, {{telefone}}, ou um campo personalizado desta conta.`);
          flush();
          parts.push({ key, fallback });
          at = close + 2;
        } else if (c === "{") {
          const start = at;
          at++;
          const options = [];
          for (;;) {
            options.push(seq(depth + 1));
            if (chars[at] === "|") at++;
            else if (chars[at] === "}") { at++; break; }
            else fail("template_invalid", `As chaves das variações ({Olá|Oi}) não fecham: confira o caractere ${start + 1}.`);
          }
          flush();
          parts.push({ options });
        } else if (depth > 0 && (c === "|" || c === "}")) break;
        else if (depth === 0 && c === "}") fail("template_invalid", `As chaves das variações ({Olá|Oi}) não fecham: confira o caractere ${at + 1}.`);
        else { buf += c; at++; }
      }
      flush();
      return parts;
    };
    const parts = seq(0);
    if (at < chars.length) fail("template_invalid", `As chaves das variações ({Olá|Oi}) não fecham: confira o caractere ${at + 1}.`);
    return parts;
  };
  const variablesOf = (parts, out = []) => {
    for (const p of parts) {
      if (p.key && !out.includes(p.key)) out.push(p.key);
      if (p.options) p.options.forEach((o) => variablesOf(o, out));
    }
    return out;
  };
  // The mock always picks the first variation (Rust picks by a seed per contact).
  const render = (parts, values) => parts.map((p) => (p.text !== undefined ? p.text : p.key ? (values[p.key] || p.fallback) : render(p.options[0], values))).join("");
  const campaignOf = (accountId, campaignId) =>
    state.campaigns.find((c) => c.account_id === accountId && c.id === campaignId) ?? fail("campaign_unknown", "Esta campanha não existe mais.");
  const emptyReport = () => ({ total: 0, pending: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, cancelled: 0, replied: 0, opted_out: 0 });
  const checkPacing = (p) => {
    if (p.window_start >= p.window_end || p.window_end > 1440) fail("pacing_invalid", "O horário de envio precisa terminar depois de começar (por exemplo, das 08:00 às 20:00).");
    if (!p.weekdays.some(Boolean)) fail("pacing_invalid", "Escolha pelo menos um dia da semana para enviar.");
    if (p.delay_min_s > p.delay_max_s || p.delay_max_s > 3600) fail("pacing_invalid", "O intervalo entre mensagens precisa ter mínimo menor ou igual ao máximo, e o máximo até 1 hora.");
    if (p.daily_cap === 0 || p.warmup_start_cap === 0) fail("pacing_invalid", "O limite diário por número precisa ser de pelo menos 1 mensagem.");
  };
  const DEFAULT_PACING = { utc_offset_minutes: -180, window_start: 480, window_end: 1200, weekdays: [true, true, true, true, true, true, false], delay_min_s: 30, delay_max_s: 60, daily_cap: 200, warmup_days: 14, warmup_start_cap: 20 };
  state.campaigns = (seed.campaigns ?? []).map((c, i) => {
    const accountId = state.accounts[c.account ?? 0].id;
    const counts = { ...emptyReport(), ...c.report };
    if (c.report?.total === undefined) counts.total = ["pending", "queued", "sent", "delivered", "read", "failed", "skipped", "cancelled"].reduce((sum, k) => sum + counts[k], 0);
    return {
      id: id(), account_id: accountId, name: c.name, message: c.message ?? "Olá {{primeiro_nome}}!", status: c.status ?? "running",
      audience: fullFilter({ opted_out: false }), numbers: (c.numbers ?? []).map((n) => state.numbers[n].number.id), pacing: c.pacing ?? DEFAULT_PACING,
      starts_at: c.startsAt ?? null, media_name: c.mediaName ?? null, media_mime: c.mediaMime ?? null, media_size: c.mediaSize ?? null,
      // `replyFlow` (a seeded flow's name) is resolved by mock-automation.mjs.
      reply_flow_id: null, created_at: now - i, updated_at: now - i, report: counts, timeline: c.timeline ?? [],
      // `recipients`: [{phone, name, number, state, reason_text, sent_at}], as campaigns::recipients gives them.
      recipients: (c.recipients ?? []).map((r) => ({ name: null, number: null, reason: null, reason_text: null, sent_at: null, ...r })),
    };
  });
  state.testSends = [];

  const handlers = {
    app_start: () => (seed.startError ? fail(seed.startError.code, seed.startError.message) : {
      version: "0.1.0", data_dir: "/tmp/zapdesk-test", language: state.language,
      // As Rust's AppInfo: zapdesk_core::limits, Pacing::default(), FieldKind::operators.
      limits: { account_name: 80, contact_name: 120, number_name: 80, tag_name: 40, segment_name: 60, field_label: 40, field_value: 500, campaign_name: 80, message_text: 4096, file_bytes: 16 * 1024 * 1024 },
      default_pacing: { utc_offset_minutes: -180, window_start: 480, window_end: 1200, weekdays: [true, true, true, true, true, true, false], delay_min_s: 30, delay_max_s: 60, daily_cap: 200, warmup_days: 14, warmup_start_cap: 20 },
      field_operators: {
        text: ["is", "is_not", "contains", "is_set", "is_empty"],
        number: ["is", "greater", "less", "is_set", "is_empty"],
        date: ["is", "greater", "less", "is_set", "is_empty"],
        yes_no: ["is", "is_not", "is_set", "is_empty"],
        choice: ["is", "is_not", "is_set", "is_empty"],
      },
    }),
    settings_set_language: ({ language }) => { state.language = language; return null; },
    accounts_list: ({ includeArchived }) =>
      state.accounts.filter((a) => (includeArchived || a.archived_at === null) && granted(a.id)).sort((a, b) => a.name.localeCompare(b.name)),
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
      const all = filtered(accountId, query.filter);
      return { total: all.length, offset: query.offset, items: all.slice(query.offset, query.offset + query.limit).map(item) };
    },
    contacts_count: ({ account: accountId, filter }) => filtered(accountId, filter).length,
    contacts_delete_selection: ({ account: accountId, selection }) => {
      const ids = selected(accountId, selection).map((c) => c.id);
      removeContacts(ids);
      return ids.length;
    },
    tags_apply_selection: ({ account: accountId, tag, selection, on }) => {
      if (!state.tags.some((x) => x.account_id === accountId && x.id === tag)) fail("tag_unknown", "Esta etiqueta não existe mais.");
      let n = 0;
      for (const c of selected(accountId, selection)) {
        const has = state.contactTags.some((x) => x.tag === tag && x.contact === c.id);
        if (on && !has) { state.contactTags.push({ tag, contact: c.id }); n++; }
        if (!on && has) { state.contactTags = state.contactTags.filter((x) => !(x.tag === tag && x.contact === c.id)); n++; }
      }
      return n;
    },
    fields_list: ({ account: accountId }) => state.fields.filter((f) => f.account_id === accountId),
    fields_create: ({ account: accountId, input }) => {
      account(accountId);
      const f = { id: id(), account_id: accountId, ...validField(accountId, input), kind: input.kind, created_at: now };
      state.fields.push(f);
      return f;
    },
    fields_update: ({ account: accountId, id: fieldId, input }) => {
      const f = fieldOf(accountId, fieldId);
      const valid = validField(accountId, input, fieldId);
      if (input.kind !== f.kind) fail("field_invalid", "O tipo de um campo não pode mudar depois de criado. Crie outro campo.");
      Object.assign(f, valid);
      if (f.kind === "choice") state.fieldValues = state.fieldValues.filter((v) => v.field !== f.id || f.choices.includes(v.value));
      return f;
    },
    fields_delete: ({ account: accountId, id: fieldId }) => {
      fieldOf(accountId, fieldId);
      state.fields = state.fields.filter((f) => f.id !== fieldId);
      state.fieldValues = state.fieldValues.filter((v) => v.field !== fieldId);
      return null;
    },
    fields_of_contact: ({ account: accountId, contact: contactId }) => {
      contact(accountId, contactId);
      return state.fields.filter((f) => f.account_id === accountId).flatMap((f) => {
        const v = valueOf(contactId, f.id);
        return v ? [{ field_id: f.id, value: v.value }] : [];
      });
    },
    fields_set_values: ({ account: accountId, contact: contactId, values }) => {
      const checked = values.map((v) => [fieldOf(accountId, v.field_id), canonical(fieldOf(accountId, v.field_id), v.value)]);
      contact(accountId, contactId);
      for (const [f, c] of checked) {
        state.fieldValues = state.fieldValues.filter((v) => !(v.contact === contactId && v.field === f.id));
        if (c) state.fieldValues.push({ contact: contactId, field: f.id, ...c });
      }
      return handlers.fields_of_contact({ account: accountId, contact: contactId });
    },
    segments_list: ({ account: accountId }) => state.segments.filter((x) => x.account_id === accountId).sort((a, b) => a.name.localeCompare(b.name)),
    segments_create: ({ account: accountId, input }) => {
      account(accountId);
      const sg = { id: id(), account_id: accountId, name: segmentName(accountId, input.name), filter: fullFilter(input.filter), created_at: now, updated_at: now };
      state.segments.push(sg);
      return sg;
    },
    segments_update: ({ account: accountId, id: segmentId, input }) => {
      const sg = state.segments.find((x) => x.account_id === accountId && x.id === segmentId) ?? fail("segment_unknown", "Este segmento não existe mais.");
      Object.assign(sg, { name: segmentName(accountId, input.name, segmentId), filter: fullFilter(input.filter) });
      return sg;
    },
    segments_delete: ({ account: accountId, id: segmentId }) => {
      if (!state.segments.some((x) => x.account_id === accountId && x.id === segmentId)) fail("segment_unknown", "Este segmento não existe mais.");
      state.segments = state.segments.filter((x) => x.id !== segmentId);
      return null;
    },
    // The file picker is Rust's: the seed says what the person "chose" (null: cancelled).
    contacts_import_pick: () => (seed.importPickError ? fail(seed.importPickError.code, seed.importPickError.message) : seed.importFile ?? null),
    contacts_import_run: async ({ account: accountId, columns }) => {
      account(accountId);
      const phones = columns.filter((c) => c.role === "phone").length;
      if (phones === 0) fail("import_mapping_invalid", "Diga qual coluna tem o telefone: sem ela não há como identificar os contatos.");
      if (phones > 1) fail("import_mapping_invalid", "Mais de uma coluna está marcada como o telefone. Escolha só uma.");
      // Reports from before warnings existed get Rust's empty defaults.
      const report = { warned: 0, warnings: [], ...seed.importReport };
      const progress = seed.importProgress ?? [{ done: Math.floor(report.rows / 2), total: report.rows }, { done: report.rows, total: report.rows }];
      emit("import", progress[0]);
      // A test may hold the import halfway to look at the progress bar.
      if (seed.importHold) await new Promise((resolve) => { window.__MOCK__.releaseImport = resolve; });
      for (const c of seed.importContacts ?? []) state.contacts.push({ id: id(), account_id: accountId, phone: c.phone, name: c.name ?? null, opted_out_at: null, created_at: now, updated_at: now });
      emit("import", progress[1]);
      return report;
    },
    // Like Rust: the save dialog (null: cancelled), then the same mapping
    // checks as the import, then the file of rejected rows is written.
    contacts_import_rejected: ({ account: accountId, path, columns }) => {
      account(accountId);
      if (seed.rejectedPath === null) return null;
      const phones = columns.filter((c) => c.role === "phone").length;
      if (phones !== 1) fail("import_mapping_invalid", "Diga qual coluna tem o telefone: sem ela não há como identificar os contatos.");
      if (path !== seed.importFile?.path) fail("import_file_unreadable", "Não foi possível abrir o arquivo. Confira se ele existe e não está aberto em outro programa.");
      return seed.rejectedPath ?? "/home/ana/Documentos/linhas-rejeitadas.csv";
    },
    contacts_export: ({ account: accountId, selection }) => {
      agentRefused("export");
      selected(accountId, selection);
      return seed.exportPath === undefined ? "/home/ana/Documentos/contatos.csv" : seed.exportPath;
    },
    contacts_lgpd_export: ({ account: accountId, contact: contactId }) => {
      agentRefused("export");
      contact(accountId, contactId);
      audit(accountId, contactId, "contact_exported");
      return `/home/ana/Documentos/lgpd-${contactId}.json`;
    },
    contacts_erase: ({ account: accountId, contact: contactId }) => {
      agentRefused("erase");
      contact(accountId, contactId);
      removeContacts([contactId]);
      state.conversations = state.conversations.filter((c) => c.contact_id !== contactId);
      audit(accountId, contactId, "contact_erased");
      return null;
    },
    audit_list: ({ account: accountId }) => state.audit.filter((a) => a.account_id === accountId).map(({ account_id: _, ...a }) => a),
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
      removeContacts([contactId]);
      return null;
    },
    contacts_set_opt_out: ({ account: accountId, id: contactId, optedOut }) => {
      const conv = state.conversations.find((x) => x.account_id === accountId && x.contact_id === contactId);
      if (conv) { conv.opted_out_at = optedOut ? now : null; return { id: contactId, account_id: accountId, phone: conv.contact_phone, name: conv.contact_name, opted_out_at: conv.opted_out_at, created_at: now, updated_at: now }; }
      const c = contact(accountId, contactId);
      c.opted_out_at = optedOut ? now : null;
      return c;
    },
    tags_list: ({ account: accountId }) => state.tags.filter((x) => x.account_id === accountId),
    tags_create: ({ account: accountId, input }) => {
      const name = input.name.trim();
      if (!name) fail("name_empty", "Dê um nome à etiqueta.");
      // Like tags::create: names that fold equal (case, accents) are one tag, named as stored.
      const twin = state.tags.find((x) => x.account_id === accountId && fold(x.name) === fold(name));
      if (twin) fail("tag_duplicate", `Já existe a etiqueta "${twin.name}" nesta conta (maiúsculas e acentos não fazem outra etiqueta).`);
      const tag = { id: id(), account_id: accountId, name, color: input.color, created_at: now };
      state.tags.push(tag);
      return tag;
    },
    tags_delete: ({ tag }) => { state.tags = state.tags.filter((x) => x.id !== tag); state.contactTags = state.contactTags.filter((x) => x.tag !== tag); return null; },
    tags_apply: ({ tag, contacts, on }) => {
      let n = 0;
      for (const c of contacts) {
        const has = state.contactTags.some((x) => x.tag === tag && x.contact === c);
        if (on && !has) { state.contactTags.push({ tag, contact: c }); n++; }
        if (!on && has) { state.contactTags = state.contactTags.filter((x) => !(x.tag === tag && x.contact === c)); n++; }
      }
      return n;
    },
    tags_of_contact: ({ contact: c }) => state.contactTags.filter((x) => x.contact === c).map((x) => state.tags.find((tg) => tg.id === x.tag)),
    numbers_list: ({ account: accountId }) => state.numbers.filter((n) => n.number.account_id === accountId),
    numbers_create: ({ account: accountId, input }) => {
      account(accountId);
      const name = (input.name ?? "").trim();
      if (!name) fail("name_empty", "Dê um nome ao número, por exemplo \"Vendas\".");
      const n = { number: { id: id(), account_id: accountId, name, kind: input.kind, status: "stopped", status_detail: null, phone: null, autostart: false, created_at: now, updated_at: now }, status: { state: "stopped" }, runs_elsewhere: null };
      state.numbers.push(n);
      return n.number;
    },
    numbers_act: ({ account: accountId, id: numberId, action }) => {
      const n = number(accountId, numberId);
      if ((action === "start" || action === "restart") && n.runs_elsewhere) {
        fail("number_runs_elsewhere", `Este número está em execução no computador de ${n.runs_elsewhere}.`);
      }
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
      for (const table of ["contacts", "conversations", "messages"]) changed(accountId, table);
      return null;
    },
    inbox_list: ({ account: accountId, filter }) => {
      if (filter.who === "mine" && !state.me) return [];
      return state.conversations
        .filter((c) => c.account_id === accountId && (!filter.instance || c.instance_id === filter.instance))
        .filter((c) => !filter.status || c.status === filter.status)
        // Opened by a campaign and not answered: only in their own view.
        .filter((c) => Boolean(c.campaign_unanswered) === Boolean(filter.campaigns))
        .filter((c) => filter.who === "all" || (filter.who === "mine" ? c.assignee_id === state.me : c.assignee_id === null))
        .sort((a, b) => (b.last_message_at ?? 0) - (a.last_message_at ?? 0))
        .map(withAssignee);
    },
    inbox_start: ({ account: accountId, to, from }) => {
      // As App::start_conversation: the contact (or a new one for a new
      // phone, once a number is settled), the number asked for, else the one
      // the contact talks to, else the only or a connected one; their
      // conversation on it, else a new one. Nothing is sent.
      const ofConversation = (c) => c && { id: c.contact_id, phone: c.contact_phone, name: c.contact_name, opted_out_at: c.opted_out_at ?? null };
      let who = to.contact
        ? state.contacts.find((c) => c.account_id === accountId && c.id === to.contact)
          ?? ofConversation(state.conversations.find((c) => c.account_id === accountId && c.contact_id === to.contact))
          ?? fail("contact_unknown", "Este contato não existe mais nesta conta.")
        : null;
      const p = to.phone !== undefined ? phone(to.phone) : who.phone;
      who ??= state.contacts.find((c) => c.account_id === accountId && c.phone === p)
        ?? ofConversation(state.conversations.find((c) => c.account_id === accountId && c.contact_phone === p));
      if (who?.opted_out_at) fail("contact_opted_out", `${p} pediu para não receber mensagens.`);
      const theirs = state.conversations.filter((c) => c.account_id === accountId && c.contact_phone === p);
      const numbers = state.numbers.filter((n) => n.number.account_id === accountId);
      const n = from ? number(accountId, from)
        : numbers.find((x) => x.number.id === theirs[0]?.instance_id)
          ?? (numbers.length === 1 ? numbers[0] : numbers.find((x) => x.status.state === "connected"))
          ?? fail("number_offline", "Nenhum número conectado para enviar. Escolha um número.");
      if (!who) {
        who = { id: id(), account_id: accountId, phone: p, name: null, opted_out_at: null, created_at: now, updated_at: now };
        state.contacts.push(who);
      }
      let conv = theirs.find((c) => c.instance_id === n.number.id);
      if (!conv) {
        conv = { id: id(), account_id: accountId, contact_id: who.id, contact_name: who.name, contact_phone: p, instance_id: n.number.id, instance_name: n.number.name, status: "open", owner: "bot", assignee_id: null, assignee_name: null, unread_count: 0, last_message_at: now, last_body: null, last_kind: null, last_direction: null, last_status: null };
        state.conversations.push(conv);
      }
      return { conversation: conv.id, contact: who.id, instance: n.number.id };
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
    inbox_add_note: ({ account: accountId, conversation: convId, id: noteId, body }) => {
      conversation(accountId, convId);
      if (!body.trim()) fail("message_empty", "Escreva a mensagem antes de enviar.");
      // As Rust: one note per action id (a double click adds one).
      const again = state.notes.find((n) => n.id === noteId);
      if (again) return again;
      const note = { id: noteId, account_id: accountId, conversation_id: convId, author_id: state.me, author_name: state.users.find((u) => u.id === state.me)?.name ?? null, body: body.trim(), created_at: Date.now() };
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
      // Like search::everything: contacts by folded name or phone digits (with
      // their latest conversation) and internal notes, of this account only.
      const digits = text.replace(/\D/g, "");
      const q = fold2(text.trim());
      const people = [
        ...state.contacts.filter((c) => c.account_id === accountId).map((c) => ({ contact_id: c.id, name: c.name, phone: c.phone })),
        ...state.conversations.filter((c) => c.account_id === accountId).map((c) => ({ contact_id: c.contact_id, name: c.contact_name, phone: c.contact_phone })),
      ].filter((p, i, all) => all.findIndex((x) => x.contact_id === p.contact_id) === i);
      const contacts = people
        .filter((p) => (q && fold2(p.name).includes(q)) || (digits && p.phone.includes(digits)))
        .map((p) => {
          const conv = state.conversations.filter((c) => c.account_id === accountId && c.contact_id === p.contact_id).sort((a, b) => (b.last_message_at ?? 0) - (a.last_message_at ?? 0))[0];
          return { ...p, conversation_id: conv?.id ?? null };
        });
      const mark = (body) => body.split(/(\s+)/).map((x) => (words.some((w) => fold2(x).startsWith(w)) ? `\u0002${x}\u0003` : x)).join("");
      const notes = words.length === 0 ? [] : state.notes
        .filter((n) => n.account_id === accountId && words.every((w) => fold2(n.body).split(/[^\p{L}\p{N}]+/u).some((x) => x.startsWith(w))))
        .map((n) => {
          const c = state.conversations.find((x) => x.id === n.conversation_id);
          return { note_id: n.id, conversation_id: n.conversation_id, contact_name: c.contact_name, contact_phone: c.contact_phone, snippet: mark(n.body), created_at: n.created_at };
        });
      return { contacts, messages, notes };
    },
    inbox_send_file: ({ account: accountId, conversation: convId, id: messageId, file }) => {
      const c = conversation(accountId, convId);
      if (/\.exe$/i.test(file.name)) fail("attachment_blocked", "Arquivos .exe não podem ser enviados (programas e scripts são bloqueados).");
      const connected = state.numbers.find((x) => x.number.id === c.instance_id)?.status.state === "connected";
      if (state.messages.some((m) => m.id === messageId)) return connected;
      state.sentFiles.push(file);
      message(c, { id: messageId, direction: "outbound", kind: "document", body: file.caption ?? "", media_name: file.name, media_path: "media/x", media_mime: file.mime, status: connected ? "sent" : "pending" });
      return connected;
    },
    // As App::inbox_send_voice: an empty recording is refused; one queued is
    // an audio message stored as Ogg/Opus (crates/core/src/inbox/voice.rs).
    inbox_send_voice: ({ account: accountId, conversation: convId, id: messageId, recording }) => {
      const c = conversation(accountId, convId);
      if (!recording.data) fail("attachment_blocked", "A gravação está vazia ou num formato que o WhatsApp não aceita. Grave de novo.");
      const connected = state.numbers.find((x) => x.number.id === c.instance_id)?.status.state === "connected";
      if (state.messages.some((m) => m.id === messageId)) return connected;
      state.sentVoices.push({ mime: recording.mime, bytes: atob(recording.data).length, head: atob(recording.data).slice(0, 4) });
      message(c, { id: messageId, direction: "outbound", kind: "audio", body: "", media_name: "voice.ogg", media_path: "media/x", media_mime: "audio/ogg; codecs=opus", status: connected ? "sent" : "pending" });
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
    quick_replies_update: ({ account: accountId, id: qid, input }) => {
      const index = state.accounts.findIndex((a) => a.id === accountId);
      const q = state.quickReplies.find((x) => x.id === qid && (x.account ?? 0) === index) ?? fail("quick_reply_unknown", "Esta resposta rápida não existe mais.");
      const shortcut = input.shortcut.trim().replace(/^\//, "").toLowerCase();
      if (!shortcut || /\s/.test(shortcut)) fail("shortcut_invalid", "O atalho deve ter de 1 a 32 letras, números, - ou _, sem espaços (ex.: horario).");
      if (!input.body.trim()) fail("message_empty", "Escreva o texto da resposta.");
      if (state.quickReplies.some((x) => x.id !== qid && (x.account ?? 0) === index && x.shortcut === shortcut)) fail("shortcut_duplicate", `Já existe uma resposta rápida /${shortcut} nesta conta.`);
      Object.assign(q, { shortcut, body: input.body.trim() });
      return { id: q.id, shortcut: q.shortcut, body: q.body };
    },
    quick_replies_delete: ({ id: qid }) => { state.quickReplies = state.quickReplies.filter((q) => q.id !== qid); return null; },
    users_list: () => live().map(({ accounts: _a, removed: _r, ...u }) => u),
    users_me: () => { const me = state.users.find((u) => u.id === state.me && !u.removed); if (!me) return null; const { accounts: _a, removed: _r, ...u } = me; return u; },
    users_set_me: ({ id: uid }) => {
      if (state.meFromLogin) fail("operator_forbidden", "Com a sincronização ligada, quem usa este computador é quem entrou no banco da agência.");
      state.me = uid;
      return state.users.find((u) => u.id === uid);
    },
    // Team (crates/core/src/team.rs): the same refusals, texts and rules.
    team_view: () => ({ members: live().map(member), me_from_login: state.meFromLogin }),
    team_invite: ({ input }) => {
      agentRefused("team");
      if (meRole() === "admin" && input.role === "owner") fail("operator_forbidden", "Só um dono pode convidar, mudar ou remover donos.");
      if (!input.name.trim()) fail("name_empty", "Dê um nome ao atendente.");
      const email = input.email.trim().toLowerCase();
      if (!/^[^@\s]+@[^@\s.][^@\s]*\.[^@\s]+$/.test(email)) fail("email_invalid", `"${input.email.trim()}" não é um e-mail válido.`);
      const known = state.users.find((u) => u.email === email);
      if (known && !known.removed) fail("email_duplicate", `Já existe um atendente com o e-mail ${email}.`);
      const u = known ?? { id: id(), email, created_at: now };
      Object.assign(u, { name: input.name.trim(), role: input.role, accounts: [...input.accounts], removed: false });
      if (!known) state.users.push(u);
      return member(u);
    },
    team_edit: ({ id: uid, input }) => {
      agentRefused("team");
      const u = state.users.find((x) => x.id === uid && !x.removed) ?? fail("user_unknown", "Este atendente não existe mais.");
      if (meRole() === "admin" && (u.role === "owner" || input.role === "owner")) fail("operator_forbidden", "Só um dono pode convidar, mudar ou remover donos.");
      if (!input.name.trim()) fail("name_empty", "Dê um nome ao atendente.");
      if (u.role === "owner" && input.role !== "owner" && live().filter((x) => x.role === "owner").length <= 1) fail("last_owner", "A agência precisa de pelo menos um dono. Torne outra pessoa dona antes de remover ou rebaixar este.");
      Object.assign(u, { name: input.name.trim(), role: input.role, accounts: [...input.accounts] });
      return member(u);
    },
    team_remove: ({ id: uid }) => {
      agentRefused("team");
      const u = state.users.find((x) => x.id === uid && !x.removed) ?? fail("user_unknown", "Este atendente não existe mais.");
      if (meRole() === "admin" && u.role === "owner") fail("operator_forbidden", "Só um dono pode convidar, mudar ou remover donos.");
      if (u.role === "owner" && live().filter((x) => x.role === "owner").length <= 1) fail("last_owner", "A agência precisa de pelo menos um dono. Torne outra pessoa dona antes de remover ou rebaixar este.");
      Object.assign(u, { removed: true, accounts: [] });
      // Their open and pending chats go back to the queue; resolved ones keep their name.
      for (const c of state.conversations) if (c.assignee_id === uid && c.status !== "resolved") c.assignee_id = null;
      return null;
    },
    // Business hours (crates/core/src/business_hours): off with the office week until saved; refused as validate() refuses.
    business_hours_get: ({ account: accountId }) => {
      account(accountId);
      const day = [{ start: 480, end: 720 }, { start: 780, end: 1080 }];
      return (state.businessHours ??= {})[accountId] ?? { enabled: false, time_zone: "America/Sao_Paulo", week: [day, day, day, day, day, [], []], holidays: [], away_enabled: false, away_message: "Olá! Estamos fora do horário de atendimento. Respondemos assim que voltarmos.", campaigns_in_hours: false };
    },
    business_hours_save: ({ account: accountId, hours }) => {
      account(accountId);
      if (state.users.find((u) => u.id === state.me)?.role === "agent") fail("operator_forbidden", "Só donos e administradores podem mudar as configurações.");
      const days = ["Segunda", "Terça", "Quarta", "Quinta", "Sexta", "Sábado", "Domingo"];
      const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
      hours.week.forEach((intervals, d) => {
        for (const i of intervals) if (i.start >= i.end || i.end > 1440) fail("business_hours_invalid", `${days[d]}: o horário ${hhmm(i.start)}–${hhmm(i.end)} não é válido. O fim precisa ser depois do início, entre 00:00 e 24:00.`);
        for (let i = 1; i < intervals.length; i++) {
          const [a, b] = [intervals[i - 1], intervals[i]];
          if (b.start < a.end) fail("business_hours_invalid", `${days[d]}: os horários ${hhmm(a.start)}–${hhmm(a.end)} e ${hhmm(b.start)}–${hhmm(b.end)} se sobrepõem ou estão fora de ordem. Coloque-os em ordem, sem sobreposição.`);
        }
      });
      if (hours.away_enabled && !hours.away_message.trim()) fail("business_hours_invalid", "Escreva a mensagem de ausência, ou desligue-a.");
      const saved = { ...hours, time_zone: hours.time_zone.trim(), holidays: [...new Set(hours.holidays)].sort(), away_message: hours.away_message.trim() };
      (state.businessHours ??= {})[accountId] = saved;
      return saved;
    },
    business_hours_time_zones: () => ["America/New_York", "America/Sao_Paulo", "Europe/Lisbon", "UTC"],
    inbox_thread: ({ account: accountId, conversation }) => {
      if (!state.conversations.some((c) => c.account_id === accountId && c.id === conversation)) fail("conversation_unknown", "Esta conversa não existe mais nesta conta.");
      return state.messages.filter((m) => m.conversation_id === conversation);
    },
    inbox_reply: ({ account: accountId, conversation, id: messageId, text }) => {
      const conv = state.conversations.find((c) => c.account_id === accountId && c.id === conversation) ?? fail("conversation_unknown", "Esta conversa não existe mais nesta conta.");
      if (!text.trim()) fail("message_empty", "Escreva a mensagem antes de enviar.");
      const n = state.numbers.find((x) => x.number.id === conv.instance_id);
      const connected = n?.status.state === "connected";
      // As Rust (outbox::enqueue_text_once): one message per action id.
      if (state.messages.some((m) => m.id === messageId)) return connected;
      message(conv, { id: messageId, direction: "outbound", body: text.trim(), status: connected ? "sent" : "pending" });
      return connected;
    },
    // As Rust (conversations::unread): conversations of the account with unread messages.
    inbox_unread: ({ account: accountId }) => state.conversations.filter((c) => c.account_id === accountId && c.unread_count > 0).length,
    inbox_mark_read: ({ account: accountId, conversation }) => {
      const conv = state.conversations.find((c) => c.account_id === accountId && c.id === conversation);
      if (conv) conv.unread_count = 0;
      return null;
    },
    campaigns_list: ({ account: accountId }) => { account(accountId); return state.campaigns.filter((c) => c.account_id === accountId).sort((a, b) => b.created_at - a.created_at).map(({ timeline: _, ...c }) => c); },
    campaigns_get: ({ account: accountId, id: campaignId }) => { const { timeline: _, recipients: __, ...c } = campaignOf(accountId, campaignId); return c; },
    campaigns_create: ({ account: accountId, input }) => {
      account(accountId);
      const name = (input.name ?? "").trim().replace(/\s+/g, " ");
      if (!name || name.length > 80) fail("name_empty", "Dê à campanha um nome de até 80 caracteres.");
      parseTemplate(accountId, input.message);
      checkPacing(input.pacing);
      const at = Date.now();
      if (input.starts_at !== null && input.starts_at < at - 60_000) fail("schedule_in_past", "A data e hora de início já passaram. Escolha um momento futuro ou \"Enviar agora\".");
      if (!input.numbers.length) fail("number_unknown", "Escolha pelo menos um número para enviar a campanha.");
      // As Rust (store.rs `reply_flow_startable`): a published flow of the account.
      const replyFlow = input.reply_flow ?? null;
      if (replyFlow !== null) {
        const f = (state.flows ?? []).find((x) => x.account_id === accountId && x.id === replyFlow);
        if (!f) fail("flow_unknown", "O fluxo escolhido para as respostas não existe mais nesta conta. Escolha outro ou \"Nenhum\".");
        if (!f.published_version_id) fail("flow_not_published", `O fluxo "${f.name}" ainda não foi publicado, e uma resposta não poderia iniciá-lo. Publique-o em Automação → Fluxos ou escolha outro.`);
      }
      const startsNow = input.starts_at === null || input.starts_at <= at;
      for (const numberId of input.numbers) {
        const n = state.numbers.find((x) => x.number.account_id === accountId && x.number.id === numberId) ?? fail("number_unknown", "Um dos números escolhidos não existe mais nesta conta.");
        // As Rust: a number another desktop runs sends from there.
        if (startsNow && n.status.state !== "connected" && !n.runs_elsewhere) fail("number_offline", `O número ${n.number.name} não está conectado. Conecte-o em Números ou agende a campanha para depois.`);
      }
      if (input.audience.opted_out === true) fail("audience_empty", "Nenhum contato recebe esta campanha: o público está vazio (contatos descadastrados nunca recebem).");
      const audience = fullFilter({ ...input.audience, opted_out: false });
      const recipients = filtered(accountId, audience);
      if (!recipients.length) fail("audience_empty", "Nenhum contato recebe esta campanha: o público está vazio (contatos descadastrados nunca recebem).");
      // The inbox's file rules, as Rust applies them: blocked types, then 16 MiB of decoded bytes.
      const file = input.attachment ?? null;
      const bytes = file ? file.data.length / 4 * 3 - (file.data.match(/=*$/)?.[0].length ?? 0) : 0;
      if (file && /\.exe$/i.test(file.name)) fail("attachment_blocked", "Arquivos .exe não podem ser enviados (programas e scripts são bloqueados).");
      if (file && bytes > 16 * 1024 * 1024) fail("attachment_too_large", "O arquivo passa de 16 MB, o limite do WhatsApp.");
      const c = {
        id: id(), account_id: accountId, name, message: input.message, status: startsNow ? "running" : "scheduled", audience, numbers: input.numbers,
        pacing: input.pacing, starts_at: input.starts_at,
        media_name: file?.name ?? null, media_mime: file?.mime ?? null, media_size: file ? bytes : null,
        reply_flow_id: replyFlow, created_at: at, updated_at: at,
        report: { ...emptyReport(), total: recipients.length, pending: recipients.length }, timeline: [],
      };
      state.campaigns.push(c);
      const { report: _, timeline: __, ...info } = c;
      return info;
    },
    // As Rust (campaigns/drafts.rs): a copy with the settings and file, no recipients, never sent.
    campaigns_duplicate: ({ account: accountId, id: campaignId, name: raw }) => {
      const original = campaignOf(accountId, campaignId);
      // 80 characters as Rust counts them (chars), not UTF-16 units.
      const name = [...raw.trim()].slice(0, 80).join("").trim();
      if (!name) fail("name_empty", "Dê à campanha um nome de até 80 caracteres.");
      const at = Date.now();
      const c = { ...original, id: id(), name, status: "draft", starts_at: null, created_at: at, updated_at: at, report: emptyReport(), timeline: [] };
      state.campaigns.push(c);
      const { report: _, timeline: __, ...info } = c;
      return info;
    },
    // As Rust (drafts::start): once only, the draft becomes the campaign in
    // place (same id) with every check of campaigns_create; started already: refused.
    campaigns_start_draft: (args) => {
      const draft = campaignOf(args.account, args.draft);
      if (draft.status !== "draft") fail("campaign_status_invalid", NOT_DRAFT);
      const file = args.keepFile && !args.input.attachment && draft.media_name ? { name: draft.media_name, mime: draft.media_mime, data: "AAAA" } : args.input.attachment;
      const created = handlers.campaigns_create({ account: args.account, input: { ...args.input, attachment: file ?? null } });
      const made = state.campaigns.find((c) => c.id === created.id);
      state.campaigns = state.campaigns.filter((c) => c !== made);
      Object.assign(draft, made, { id: draft.id });
      (state.startedDrafts ??= []).push({ draft: draft.id, keepFile: args.keepFile, input: args.input });
      return { ...created, id: draft.id };
    },
    campaigns_delete_draft: ({ account: accountId, id: campaignId }) => {
      const c = campaignOf(accountId, campaignId);
      if (c.status !== "draft") fail("campaign_status_invalid", NOT_DRAFT);
      state.campaigns = state.campaigns.filter((x) => x !== c);
      return null;
    },
    campaigns_set_status: ({ account: accountId, id: campaignId, status }) => {
      const c = campaignOf(accountId, campaignId);
      const allowed = (["running", "scheduled"].includes(c.status) && status === "paused") || (c.status === "paused" && status === "running")
        || (["running", "scheduled", "paused"].includes(c.status) && status === "cancelled");
      if (!allowed) fail("campaign_status_invalid", "Esta campanha não pode mudar para esse estado (uma campanha concluída ou cancelada não volta).");
      c.status = status;
      if (status === "cancelled") { c.report.cancelled += c.report.pending; c.report.pending = 0; }
      const { report: _, timeline: __, ...info } = c;
      return info;
    },
    campaigns_set_pacing: ({ account: accountId, id: campaignId, pacing }) => {
      checkPacing(pacing);
      const c = campaignOf(accountId, campaignId);
      c.pacing = pacing;
      const { report: _, timeline: __, ...info } = c;
      return info;
    },
    campaigns_check_message: ({ account: accountId, message: text }) => variablesOf(parseTemplate(accountId, text)),
    campaigns_preview: ({ account: accountId, message: text, contact: contactId }) => {
      const parts = parseTemplate(accountId, text);
      const c = contact(accountId, contactId);
      const name = (c.name ?? "").trim();
      const values = { nome: name, primeiro_nome: name.split(/\s+/)[0] ?? "", telefone: c.phone };
      for (const f of state.fields.filter((x) => x.account_id === accountId)) {
        const v = valueOf(contactId, f.id);
        if (v) values[f.key] = v.value;
      }
      return render(parts, values);
    },
    campaigns_export: ({ account: accountId, id: campaignId }) => {
      agentRefused("export");
      campaignOf(accountId, campaignId);
      return seed.campaignExportPath === undefined ? "/home/ana/Documentos/destinatarios.csv" : seed.campaignExportPath;
    },
    campaigns_timeline: ({ account: accountId, id: campaignId }) => campaignOf(accountId, campaignId).timeline,
    campaigns_recipients: ({ account: accountId, id: campaignId, query }) => {
      // As campaigns::recipients::page: by state, by a folded name or the phone's digits, then the page.
      const text = fold2(query.search ?? "");
      const digits = (query.search ?? "").replace(/\D/g, "");
      const all = (campaignOf(accountId, campaignId).recipients ?? [])
        .filter((r) => !query.state || r.state === query.state)
        .filter((r) => !text || fold2(r.name ?? "").includes(text) || (digits !== "" && r.phone.includes(digits)));
      return { total: all.length, items: all.slice(query.offset, query.offset + Math.min(query.limit, 500)) };
    },
    campaigns_test_send: ({ account: accountId, id: testId, message: text, number: numberId, phone: raw, preview }) => {
      if (state.testSends.some((x) => x.id === testId)) return testId;
      const parts = parseTemplate(accountId, text);
      const n = state.numbers.find((x) => x.number.account_id === accountId && x.number.id === numberId) ?? fail("number_unknown", "Um dos números escolhidos não existe mais nesta conta.");
      if (n.status.state !== "connected") fail("number_offline", `O número ${n.number.name} não está conectado. Conecte-o em Números ou agende a campanha para depois.`);
      const to = phone(raw);
      const own = state.contacts.find((x) => x.account_id === accountId && x.phone === to);
      // As Rust: a test phone must be a contact (no "Sem nome" invented), rendered for the preview contact.
      if (!own) fail("contact_unknown", `${to} não é um contato desta conta. Adicione-o em Contatos (por exemplo, com o seu nome) e envie o teste de novo.`);
      const c = preview ? (state.contacts.find((x) => x.account_id === accountId && x.id === preview) ?? fail("contact_unknown", "Este contato não existe mais.")) : own;
      const name = (c.name ?? "").trim();
      const values = { nome: name, primeiro_nome: name.split(/\s+/)[0] ?? "", telefone: c.phone };
      for (const f of state.fields.filter((x) => x.account_id === accountId)) {
        const v = valueOf(c.id, f.id);
        if (v) values[f.key] = v.value;
      }
      state.testSends.push({ id: testId, number: numberId, phone: to, body: render(parts, values) });
      return testId;
    },
    sync_status: () => state.sync,
    sync_test: ({ settings, password }) => remoteCheck(settings, password),
    sync_save: ({ settings, password }) => {
      const remote = remoteCheck(settings, password);
      state.sync = { connection: settings, status: { state: { state: "synced" }, last_sync: Date.now(), waiting: 0, parked: 0, pulled: 0 } };
      // The login is this desktop's operator now (team::adopt_login).
      const known = state.users.find((u) => u.email === remote.email);
      const me = known ?? { id: remote.operator_id, email: remote.email, created_at: now };
      Object.assign(me, { name: remote.display_name, role: remote.memberships[0]?.role ?? "agent", accounts: remote.memberships.map((m) => m.account), removed: false });
      if (!known) state.users.push(me);
      state.me = me.id;
      state.meFromLogin = true;
      setTimeout(() => emit("sync", state.sync), 0);
      return remote;
    },
    sync_disconnect: () => {
      state.sync = { connection: null, status: null };
      state.meFromLogin = false;
      setTimeout(() => emit("sync", state.sync), 0);
      return null;
    },
    sync_now: () => null,
    // As crates/sync/src/parked.rs: the list with its words; a retry puts
    // them back in the outbox (the engine's next status says how many remain).
    sync_parked: () => state.parked,
    sync_retry_parked: () => {
      const n = state.parked.length;
      state.parked = [];
      state.sync = { ...state.sync, status: { ...state.sync.status, parked: 0, waiting: (state.sync.status?.waiting ?? 0) + n } };
      setTimeout(() => emit("sync", state.sync), 0);
      return n;
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
    // The window's close, once the person agreed (src-tauri/capabilities: core:window:allow-destroy).
    "plugin:window|destroy": () => null,
  };

  // What mock-automation.mjs (installed after this) builds on.
  window.__MOCK__.lib = { id, fail, now, account, parseTemplate, canonical, WRITES, handlers };

  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback: (cb) => { const key = nextListener++; callbacks.set(key, cb); return key; },
    invoke: async (cmd, args = {}) => {
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw `unknown command ${cmd}`;
      const result = structuredClone(await handler(args));
      for (const table of WRITES[cmd] ?? []) changed(AGENCY.includes(cmd) ? null : args.account, table);
      return result;
    },
  };
}
