// The local API's commands of the fake Rust side (issue 17): its status and
// port, the tokens, the webhooks and their delivery log. Installed in the page
// after mock-backend.mjs, on its state. Answers with Rust's shapes, codes and
// pt-BR texts (crates/api config.rs and server.rs, crates/core api_tokens.rs
// and webhooks/) for what the UI tests exercise: a port below 1024 refused, a
// port another program has saved but not listened on, a token without a name
// or scopes (or for the whole agency by someone who is not the owner), a
// webhook whose address is not http(s), with no events, or with events the
// Evolution format cannot carry.
//
// Seeds (`seed.api`): `port`, `lan`, `startError` ({code, message}: why the
// API did not start), `busyPorts` (ports "another program" uses), `tokens`
// [{name, account (index, null = the agency), scopes, createdAt, lastUsedAt,
// revokedAt}], `webhooks` [{account, url, events, format, enabled,
// failingSince, disabledAt, disabledReason, deliveries [{event, status,
// attempts, code, ms, error, at, nextAttemptAt}], filler (that many more
// delivered `message.received` rows, older than the listed ones)}].
//
// The log is ordered by `seq` and paged by it (`before`), as deliveries.rs.
// "Enviar de novo" and a test event add a pending line of their own (the
// same event id for a resend); the sender is the test's:
// `__MOCK__.attemptDeliveries({code, ms} | {error, ms})` tries every pending
// one as the real sender would (2xx delivered, otherwise retrying — or failed
// at once for a manual one, or after the 5th attempt) and says so with
// `changed`. Token and webhook secrets are made from the ids, so each is
// different; a token's secret is kept nowhere in `state` (Rust keeps a hash).
export function installApiMock(seed) {
  const { state, changed } = window.__MOCK__;
  const { id, fail, now, account, WRITES, handlers } = window.__MOCK__.lib;
  const given = seed.api ?? {};
  const DEFAULT_PORT = 8787;
  const MAX_ATTEMPTS = 5;
  const PAGE = 50;
  const accountAt = (i) => state.accounts[i ?? 0].id;
  const hex = () => id().replace(/-/g, "");

  Object.assign(WRITES, {
    webhooks_create: ["webhooks"], webhooks_update: ["webhooks"], webhooks_set_enabled: ["webhooks"],
    webhooks_delete: ["webhooks", "webhook_deliveries"], webhooks_rotate_secret: ["webhooks"],
    webhooks_redeliver: ["webhook_deliveries"], webhooks_test: ["webhook_deliveries"],
  });

  // ---- The server's settings ----
  state.api = { port: given.port ?? DEFAULT_PORT, lan: given.lan ?? false, error: given.startError ?? null };
  const busy = new Set(given.busyPorts ?? []);
  // `noBrowser`: this computer has no browser to open the documentation in.
  const browserOpens = !given.noBrowser;
  // What the server says when it cannot listen (server.rs).
  const inUse = (port) => ({ code: "api_port_invalid", message: `A porta ${port} já está em uso por outro programa. Escolha outra porta em Configurações → API.` });
  const status = () => {
    const { port, lan, error } = state.api;
    return {
      port, lan, default_port: DEFAULT_PORT,
      listening: error ? null : `${lan ? "0.0.0.0" : "127.0.0.1"}:${port}`,
      error,
      docs_url: error ? null : `http://127.0.0.1:${port}/docs`,
    };
  };

  // ---- Tokens ----
  // `zdk_<id>_<secret>`, recognised by its first and last characters (api_tokens.rs).
  const tokenText = (tokenId) => `zdk_${tokenId.replace(/-/g, "")}_${hex()}${hex()}`;
  const hint = (text) => `${text.slice(0, 12)}…${text.slice(-4)}`;
  state.apiTokens = (given.tokens ?? []).map((tk, i) => {
    const tokenId = id();
    return {
      id: tokenId, name: tk.name, account_id: tk.account === null ? null : accountAt(tk.account), scopes: tk.scopes ?? ["read"],
      prefix: hint(tokenText(tokenId)), created_at: tk.createdAt ?? now + i, last_used_at: tk.lastUsedAt ?? null, revoked_at: tk.revokedAt ?? null,
    };
  });
  const SCOPES = ["read", "send", "manage"];

  // ---- Webhooks and deliveries ----
  const EVENTS = ["message.received", "message.sent", "message.status", "contact.created", "contact.updated", "tag.added", "tag.removed",
    "conversation.assigned", "conversation.resolved", "conversation.handed_off", "campaign.finished", "flow.completed", "number.status", "number.qr"];
  // What Evolution API's envelope has names for (model.rs `carried_by`).
  const EVOLUTION = ["message.received", "message.sent", "message.status", "number.status", "number.qr"];
  // Seeded deliveries are older than the page's clock, so a new one is always the newest.
  const base = Date.now();
  // The log's order (deliveries.rs pages by it).
  let seq = 0;
  state.webhooks = [];
  state.deliveries = [];
  state.webhookSecrets = {};
  for (const [i, w] of (given.webhooks ?? []).entries()) {
    const hook = {
      id: id(), account_id: accountAt(w.account), url: w.url, events: w.events ?? ["message.received"], format: w.format ?? "zapdesk",
      enabled: w.enabled ?? true, failing_since: w.failingSince ?? null, disabled_at: w.disabledAt ?? null, disabled_reason: w.disabledReason ?? null,
      created_at: now + i, updated_at: now + i,
    };
    state.webhooks.push(hook);
    state.webhookSecrets[hook.id] = `whsec_${hex()}`;
    const listed = w.deliveries ?? [];
    for (let k = 0; k < (w.filler ?? 0); k++) {
      const at = base - (w.filler - k) * 60_000 - listed.length * 60_000;
      state.deliveries.push(delivery(hook, { event_type: "message.received", status: "delivered", attempts: 1, last_status_code: 200, last_duration_ms: 40 + k, created_at: at, delivered_at: at }));
    }
    for (const [k, d] of listed.entries()) {
      const at = d.at ?? base - (listed.length - k) * 60_000;
      state.deliveries.push(delivery(hook, {
        event_type: d.event ?? "message.received", status: d.status ?? "delivered", attempts: d.attempts ?? 1,
        last_status_code: d.code ?? null, last_duration_ms: d.ms ?? null, last_error: d.error ?? null,
        next_attempt_at: d.nextAttemptAt ?? null, created_at: at, delivered_at: d.status === "delivered" || d.status === undefined ? at : null,
      }));
    }
  }
  function delivery(hook, fields) {
    return {
      id: id(), seq: ++seq, webhook_id: hook.id, event_id: id(), event_type: "test", instance_id: null, status: "pending", manual: false,
      attempts: 0, next_attempt_at: null, last_status_code: null, last_error: null, last_duration_ms: null, created_at: Date.now(), delivered_at: null, ...fields,
    };
  }
  const hookOf = (accountId, hookId) =>
    state.webhooks.find((w) => w.account_id === accountId && w.id === hookId) ?? fail("webhook_unknown", "Este webhook não existe mais nesta conta.");
  // What store.rs accepts: an http(s) address with a host, events (not
  // `test`), and only what the format carries.
  const checkWebhook = (input) => {
    const url = (input.url ?? "").trim();
    const m = /^https?:\/\/([^/?#\s]+)[^\s]*$/i.exec(url);
    if (!m || m[1].startsWith(":")) {
      fail("webhook_invalid", "O endereço do webhook precisa começar com https:// (ou http://) e ter um servidor, por exemplo https://hooks.zapier.com/hooks/catch/123/abc.");
    }
    if (input.events.includes("test")) fail("webhook_invalid", "O evento de teste não se assina: use o botão \"Enviar evento de teste\".");
    const events = [...new Set(input.events)].filter((e) => EVENTS.includes(e));
    if (!events.length) fail("webhook_invalid", "Escolha pelo menos um evento para o webhook receber.");
    const uncarried = input.format === "evolution" ? events.filter((e) => !EVOLUTION.includes(e)) : [];
    if (uncarried.length) fail("webhook_invalid", `O formato da Evolution API só tem mensagens e o estado do número; tire ${uncarried.join(", ")} ou use o formato ZapDesk.`);
    return { url, events, format: input.format };
  };

  Object.assign(handlers, {
    api_status: () => status(),
    // Rust opens the server's own address; false when no browser opened.
    api_open_docs: () => state.api.error === null && browserOpens,
    api_set_config: ({ port, lan }) => {
      if (!Number.isInteger(port) || port < 1024 || port > 65535) {
        fail("api_port_invalid", `A porta ${port} não pode ser usada. Escolha um número entre 1024 e 65535 (padrão: ${DEFAULT_PORT}).`);
      }
      // A port another program holds is refused and the API stays where it
      // was, nothing saved (zapdesk-api's apply.rs).
      if (busy.has(port)) { const e = inUse(port); fail(e.code, e.message); }
      state.api = { port, lan, error: null };
      changed(null, "settings");
      return status();
    },
    api_tokens_list: () => [...state.apiTokens].sort((a, b) => b.created_at - a.created_at),
    api_tokens_create: ({ input }) => {
      const name = (input.name ?? "").trim().replace(/\s+/g, " ");
      if (!name) fail("api_token_invalid", "Dê um nome ao token, por exemplo \"n8n\" ou \"Loja virtual\".");
      if ([...name].length > 80) fail("api_token_invalid", "O nome do token pode ter no máximo 80 caracteres.");
      const scopes = SCOPES.filter((x) => input.scopes.includes(x));
      if (!scopes.length) fail("api_token_invalid", "Escolha ao menos uma permissão: leitura, envio ou gestão.");
      if (input.account_id === null && state.users.find((u) => u.id === state.me)?.role !== "owner") {
        fail("api_forbidden", "Só o dono da agência pode criar um token para todas as contas. Escolha uma conta, ou peça ao dono (o atendente deste computador é escolhido em Configurações).");
      }
      if (input.account_id !== null) account(input.account_id);
      const tokenId = id();
      const secret = tokenText(tokenId);
      const token = { id: tokenId, name, account_id: input.account_id, scopes, prefix: hint(secret), created_at: Date.now(), last_used_at: null, revoked_at: null };
      state.apiTokens.push(token);
      changed(null, "api_tokens");
      return { token, secret };
    },
    api_tokens_revoke: ({ id: tokenId }) => {
      const token = state.apiTokens.find((x) => x.id === tokenId) ?? fail("api_token_unknown", "Este token não existe mais.");
      token.revoked_at ??= Date.now();
      changed(null, "api_tokens");
      return null;
    },
    webhooks_list: ({ account: accountId }) => {
      account(accountId);
      return state.webhooks.filter((w) => w.account_id === accountId).sort((a, b) => a.created_at - b.created_at);
    },
    webhooks_create: ({ account: accountId, input }) => {
      account(accountId);
      const at = Date.now();
      const hook = { id: id(), account_id: accountId, ...checkWebhook(input), enabled: true, failing_since: null, disabled_at: null, disabled_reason: null, created_at: at, updated_at: at };
      state.webhooks.push(hook);
      state.webhookSecrets[hook.id] = `whsec_${hex()}`;
      return { webhook: hook, secret: state.webhookSecrets[hook.id] };
    },
    webhooks_update: ({ account: accountId, id: hookId, input }) => {
      const hook = hookOf(accountId, hookId);
      Object.assign(hook, checkWebhook(input), { updated_at: Date.now() });
      return hook;
    },
    webhooks_set_enabled: ({ account: accountId, id: hookId, enabled }) => {
      const hook = hookOf(accountId, hookId);
      // On again: a fresh start, no failure remembered; off by hand: said so.
      const at = Date.now();
      if (enabled) Object.assign(hook, { enabled, failing_since: null, disabled_at: null, disabled_reason: null, updated_at: at });
      else if (hook.enabled) Object.assign(hook, { enabled, disabled_at: at, disabled_reason: "manual", updated_at: at });
      return hook;
    },
    webhooks_delete: ({ account: accountId, id: hookId }) => {
      hookOf(accountId, hookId);
      state.webhooks = state.webhooks.filter((w) => w.id !== hookId);
      state.deliveries = state.deliveries.filter((d) => d.webhook_id !== hookId);
      delete state.webhookSecrets[hookId];
      return null;
    },
    webhooks_secret: ({ account: accountId, id: hookId }) => {
      hookOf(accountId, hookId);
      return state.webhookSecrets[hookId];
    },
    webhooks_rotate_secret: ({ account: accountId, id: hookId }) => {
      hookOf(accountId, hookId);
      state.webhookSecrets[hookId] = `whsec_${hex()}`;
      return state.webhookSecrets[hookId];
    },
    webhooks_deliveries: ({ account: accountId, webhook: hookId, before }) => {
      hookOf(accountId, hookId);
      return state.deliveries
        .filter((d) => d.webhook_id === hookId && (before === null || d.seq < before))
        .sort((a, b) => b.seq - a.seq)
        .slice(0, PAGE);
    },
    // A line of its own for the same event (the receiver sees the same event id).
    webhooks_redeliver: ({ account: accountId, delivery: deliveryId }) => {
      const d = state.deliveries.find((x) => x.id === deliveryId && state.webhooks.some((w) => w.id === x.webhook_id && w.account_id === accountId))
        ?? fail("webhook_delivery_unknown", "Esta entrega não está mais no histórico do webhook (entregas antigas são apagadas após 7 dias).");
      const again = delivery(hookOf(accountId, d.webhook_id), { event_id: d.event_id, event_type: d.event_type, instance_id: d.instance_id, manual: true, next_attempt_at: Date.now() });
      state.deliveries.push(again);
      return again;
    },
    webhooks_test: ({ account: accountId, webhook: hookId }) => {
      const hook = hookOf(accountId, hookId);
      const d = delivery(hook, { event_type: "test", manual: true, next_attempt_at: Date.now() });
      state.deliveries.push(d);
      return d;
    },
  });

  // The sender tries every pending delivery once and reports it, as Rust's would.
  window.__MOCK__.attemptDeliveries = (result) => {
    const at = Date.now();
    const touched = new Set();
    for (const d of state.deliveries.filter((x) => x.status === "pending")) {
      const ok = result.code !== undefined && result.code >= 200 && result.code < 300;
      d.attempts += 1;
      // A manual one gets one attempt; the others retry until they give up.
      const givenUp = !ok && (d.manual || d.attempts >= MAX_ATTEMPTS);
      Object.assign(d, {
        last_status_code: result.code ?? null, last_duration_ms: result.ms ?? null,
        last_error: ok ? null : result.error ?? `O servidor respondeu HTTP ${result.code}.`,
        status: ok ? "delivered" : givenUp ? "failed" : "retrying",
        next_attempt_at: ok || givenUp ? null : at + 60_000 * 2 ** d.attempts,
        delivered_at: ok ? at : null,
      });
      touched.add(state.webhooks.find((w) => w.id === d.webhook_id).account_id);
    }
    for (const accountId of touched) changed(accountId, "webhook_deliveries");
  };
}
