// Fair assignment's commands of the fake Rust side (issue 18, item 6):
// the account's switch and caps, the operator at this desktop available or
// away (in every account they were given), the queue (oldest first) and
// transfers with a note. Installed after mock-backend.mjs, on its state;
// Rust's shapes and pt-BR texts (crates/core/src/assignment).
//
// Seeds: `seed.assignment` {auto, cap, available: [user indexes]}; a seeded
// conversation with `waiting: <minutes ago>` is in the queue.
export function installAssignmentMock(seed) {
  const { state, changed } = window.__MOCK__;
  const { fail, now, WRITES, handlers } = window.__MOCK__.lib;
  const given = seed.assignment ?? {};
  const roster = {};
  for (const a of state.accounts) roster[a.id] = { auto: given.auto ?? false, cap: given.cap ?? 5, team: {} };
  for (const i of given.available ?? []) {
    const u = state.users[i];
    for (const acc of u.accounts) roster[acc].team[u.email] = { name: u.name, available: true, cap: null };
  }
  (seed.conversations ?? []).forEach((c, i) => {
    if (c.waiting !== undefined) state.conversations[i].waiting_since = now - c.waiting * 60_000;
  });
  state.assignment = roster;
  const me = () => state.users.find((u) => u.id === state.me && !u.removed) ?? null;
  const open = (accountId, email) => state.conversations.filter((c) => c.account_id === accountId && c.status !== "resolved"
    && state.users.find((u) => u.id === c.assignee_id)?.email === email).length;
  const settings = (accountId) => {
    const r = roster[accountId];
    const ops = Object.entries(r.team).map(([email, e]) => {
      const u = state.users.find((x) => x.email === email && !x.removed);
      return { email, name: u?.name ?? e.name, user_id: u?.id ?? null, available: e.available, cap: e.cap, open: open(accountId, email) };
    });
    for (const u of state.users.filter((x) => !x.removed && x.accounts.includes(accountId) && !r.team[x.email])) {
      ops.push({ email: u.email, name: u.name, user_id: u.id, available: false, cap: null, open: open(accountId, u.email) });
    }
    return { auto: r.auto, default_cap: r.cap, operators: ops.sort((a, b) => a.name.localeCompare(b.name)) };
  };
  const manager = () => { const m = me(); if (m && m.role === "agent") fail("operator_forbidden", "Só donos e administradores podem gerenciar a equipe."); };
  const availability = () => {
    const m = me();
    if (!m) return { operator: null, available: false, accounts: [] };
    return { operator: m.id, available: m.accounts.some((a) => roster[a]?.team[m.email]?.available), accounts: m.accounts };
  };
  Object.assign(WRITES, {
    assignment_set_account: ["automation_settings"], assignment_set_cap: ["automation_settings"],
    inbox_transfer: ["conversations", "notes", "flow_sessions"],
  });
  Object.assign(handlers, {
    assignment_settings: ({ account: accountId }) => settings(accountId),
    assignment_set_account: ({ account: accountId, auto, defaultCap }) => {
      manager();
      if (!(defaultCap >= 1 && defaultCap <= 999)) fail("assign_cap_invalid", "O limite de conversas abertas vai de 1 a 999.");
      Object.assign(roster[accountId], { auto, cap: defaultCap });
      return settings(accountId);
    },
    assignment_set_cap: ({ account: accountId, user, cap }) => {
      manager();
      const u = state.users.find((x) => x.id === user);
      roster[accountId].team[u.email] = { name: u.name, available: false, ...roster[accountId].team[u.email], cap };
      return settings(accountId);
    },
    assignment_queue: ({ account: accountId }) => state.conversations
      .filter((c) => c.account_id === accountId && c.waiting_since != null && c.assignee_id === null && c.status !== "resolved")
      .sort((a, b) => a.waiting_since - b.waiting_since)
      .map((c) => ({ conversation_id: c.id, contact_name: c.contact_name, contact_phone: c.contact_phone, instance_id: c.instance_id, instance_name: c.instance_name, waiting_since: c.waiting_since })),
    assignment_availability: () => availability(),
    assignment_set_available: ({ available }) => {
      const m = me();
      if (!m) fail("assign_no_operator", "Escolha quem usa este computador (Configurações → Equipe) antes de ficar disponível.");
      for (const a of m.accounts) roster[a].team[m.email] = { cap: null, ...roster[a].team[m.email], name: m.name, available };
      setTimeout(() => changed(null, "automation_settings"), 0);
      return availability();
    },
    inbox_transfer: ({ account: accountId, conversation: convId, to }) => {
      const c = state.conversations.find((x) => x.account_id === accountId && x.id === convId);
      if (!c) fail("conversation_unknown", "Esta conversa não existe mais nesta conta.");
      if (!to.operator && !to.instance) fail("transfer_invalid", "Escolha outro atendente ou outro número para transferir a conversa.");
      let target = c;
      if (to.instance && to.instance !== c.instance_id) {
        const n = state.numbers.find((x) => x.number.id === to.instance);
        target = state.conversations.find((x) => x.contact_id === c.contact_id && x.instance_id === to.instance);
        if (!target) {
          target = { ...c, id: window.__MOCK__.lib.id(), instance_id: n.number.id, instance_name: n.number.name, unread_count: 0 };
          state.conversations.push(target);
        }
        c.status = "resolved";
        Object.assign(target, { status: "open", owner: "human", assignee_id: null, waiting_since: roster[accountId].auto ? Date.now() : null });
      }
      if (to.operator) Object.assign(target, { assignee_id: to.operator, owner: "human", waiting_since: null });
      const author = me();
      if (to.note.trim()) {
        for (const place of new Set([target, c])) {
          state.notes.push({ id: window.__MOCK__.lib.id(), account_id: accountId, conversation_id: place.id, author_id: author?.id ?? null, author_name: author?.name ?? null, body: to.note.trim(), created_at: Date.now() });
        }
      }
      return target.id;
    },
  });
}
