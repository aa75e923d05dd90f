// Plans per account (issue 18, item 4) in the fake Rust side, installed in
// the page after mock-backend.mjs, on its state. Answers with Rust's shapes
// and pt-BR texts (crates/core/src/plans): each plan's limits, an account's
// own limits, its usage, and number and contact creation refused at the limit.
//
// Seeds (`seed.plans`): `defaults` {plan: {numbers, contacts, messages,
// operators, flows}} (missing: no limit), `overrides` [{account (index),
// numbers: {kind: "max", value} | {kind: "unlimited"}, …}], `messagesSent`
// [{account (index), count}] this month.
export function installPlansMock(seed) {
  const { state } = window.__MOCK__;
  const { fail, account, WRITES, handlers } = window.__MOCK__.lib;
  const given = seed.plans ?? {};
  const LIMITS = ["numbers", "contacts", "messages", "operators", "flows"];
  const blank = () => Object.fromEntries(LIMITS.map((l) => [l, null]));
  state.planDefaults = Object.fromEntries(["free", "starter", "pro", "enterprise"].map((p) => [p, { ...blank(), ...(given.defaults?.[p] ?? {}) }]));
  state.planOverrides = {};
  for (const o of given.overrides ?? []) {
    const { account: i, ...rest } = o;
    state.planOverrides[state.accounts[i ?? 0].id] = { ...blank(), ...rest };
  }
  state.messagesSent = {};
  for (const m of given.messagesSent ?? []) state.messagesSent[state.accounts[m.account ?? 0].id] = m.count;

  Object.assign(WRITES, { plans_set_defaults: ["plan_limits"], plans_set_overrides: ["accounts"] });

  const PLAN = { free: "Gratuito", starter: "Inicial", pro: "Pro", enterprise: "Empresarial" };
  const NOUN = { numbers: "números", contacts: "contatos", messages: "mensagens enviadas por mês", operators: "operadores por conta", flows: "fluxos" };
  const managerOnly = () => {
    const me = state.users.find((u) => u.id === state.me);
    if (me && (me.removed || me.role === "agent")) fail("operator_forbidden", "Só donos e administradores podem mudar as configurações.");
  };
  // plans::set_defaults: every plan's limits are every account's, owners only.
  const ownerOnly = () => {
    const me = state.users.find((u) => u.id === state.me);
    if (me && (me.removed || me.role !== "owner")) fail("operator_forbidden", "Só donos podem mudar os limites dos planos; os de uma conta, donos e administradores.");
  };
  const used = (acc, limit) => ({
    numbers: () => state.numbers.filter((n) => n.number.account_id === acc).length,
    contacts: () => state.contacts.filter((c) => c.account_id === acc).length,
    messages: () => state.messagesSent[acc] ?? 0,
    operators: () => state.users.filter((u) => !u.removed && u.accounts.includes(acc)).length,
    flows: () => (state.flows ?? []).filter((f) => f.account_id === acc).length,
  })[limit]();
  const terms = (acc, limit) => {
    const o = state.planOverrides[acc]?.[limit] ?? null;
    if (o?.kind === "unlimited") return { max: null, overridden: true };
    if (o?.kind === "max") return { max: o.value, overridden: true };
    return { max: state.planDefaults[account(acc).plan][limit], overridden: false };
  };
  // plans::check: the action's own refusal, before anything is written.
  const check = (acc, limit) => {
    const { max } = terms(acc, limit);
    const n = used(acc, limit);
    if (max !== null && n + 1 > max) {
      const verb = limit === "messages" ? `esta conta já enviou ${n} neste mês` : `esta conta já tem ${n}`;
      fail("plan_limit_reached", `O plano ${PLAN[account(acc).plan]} permite ${max} ${NOUN[limit]}; ${verb}. Para ir além, mude o plano ou o limite da conta em Configurações → Contas.`);
    }
  };

  Object.assign(handlers, {
    plans_defaults: () => ["free", "starter", "pro", "enterprise"].map((plan) => ({ plan, limits: { ...state.planDefaults[plan] } })),
    plans_set_defaults: ({ plan, limits }) => {
      ownerOnly();
      state.planDefaults[plan] = { ...limits };
      return limits;
    },
    plans_overrides: ({ account: acc }) => ({ ...blank(), ...(state.planOverrides[acc] ?? {}) }),
    plans_set_overrides: ({ account: acc, overrides }) => {
      managerOnly();
      state.planOverrides[acc] = { ...overrides };
      return overrides;
    },
    plans_usage: ({ account: acc }) => ({
      plan: account(acc).plan,
      month_start: Date.UTC(2026, 10, 1, 3),
      month_end: Date.UTC(2026, 11, 1, 3),
      items: LIMITS.map((limit) => ({ limit, used: used(acc, limit), ...terms(acc, limit) })),
    }),
  });
  for (const [cmd, limit] of [["numbers_create", "numbers"], ["contacts_create", "contacts"]]) {
    const inner = handlers[cmd];
    handlers[cmd] = (args) => {
      check(args.account, limit);
      return inner(args);
    };
  }
}
