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
  const calls = [];
  window.__MOCK__ = { state, calls };

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
  };

  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback: (cb) => { const key = `_${Math.random()}`; window[key] = cb; return key; },
    invoke: async (cmd, args = {}) => {
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw `unknown command ${cmd}`;
      return structuredClone(handler(args));
    },
  };
}
