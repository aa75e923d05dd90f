// The agency's cloud commands as the fake Rust side reads them (issue 17,
// item 5; crates/app/src/cloud_commands/list.rs): `cloud_commands_list`,
// `cloud_commands_retry` and `cloud_commands_give_up`, with Rust's shapes,
// codes and pt-BR texts.
// Installed after mock-backend.mjs, on its state.
//
// Seed (`seed.cloudCommands`): [{kind, phone, detail, status ("pending",
// "running", "done", "failed"), errorCode, errorMessage, ranBy, ranHere,
// instance, pinnedBy, pinnedHere (a pinned row), silent (a `running` row
// whose desktop has been silent ten minutes)}], oldest first. "Run again"
// pins as the server does; "give up" deletes only a pinned row that waits
// (pending, or running on a silent desktop), as Rust does. With no sync connection (`seed.sync`), the list
// says the server is missing and a retry is refused, as Rust does.
//
// The executor is the test's: `__MOCK__.finishCommand(index, {error} | {})`
// finishes the row at `index` of `state.cloudCommands` (done, or failed with
// that text) as a desktop writes its outcome on the server — which tells no
// desktop, so the panel sees it only when it asks again.
// `__MOCK__.refuseRetry = {code, message}` refuses the next "run again".
export function installCloudCommandsMock(seed) {
  const { state } = window.__MOCK__;
  const { id, fail, account, handlers } = window.__MOCK__.lib;
  const base = Date.now() - 60 * 60_000;
  const accountId = () => state.accounts[0].id;
  const STATES = { waiting: ["pending", "running"], done: ["done"], failed: ["failed"] };
  // "Run again" of a row: always the same new row (Rust derives its id).
  const retries = new Map();

  state.cloudCommands = (seed.cloudCommands ?? []).map((c, i) => {
    const finished = c.status === "done" || c.status === "failed";
    return {
      id: id(), account_id: accountId(), kind: c.kind, instance_id: c.instance ?? null, phone: c.phone ?? null, detail: c.detail ?? null,
      status: c.status ?? "pending", attempts: c.status === "pending" || c.status === undefined ? 0 : 1,
      error_code: c.errorCode ?? null, error_message: c.errorMessage ?? null,
      ran_by: c.ranBy ?? (c.status && c.status !== "pending" ? "Ana Operadora" : null), ran_here: c.ranHere ?? false,
      created_ms: base + i * 60_000, finished_ms: finished ? base + i * 60_000 + 2_000 : null, retry_of: null,
      pinned: c.pinnedBy !== undefined || c.pinnedHere === true, pinned_by: c.pinnedBy ?? null, pinned_here: c.pinnedHere ?? false,
      silent: c.silent ?? false,
    };
  });
  const canGiveUp = (c) => c.pinned && (c.status === "pending" || (c.status === "running" && c.silent));

  const view = (c) => ({
    id: c.id, kind: c.kind, instance_id: c.instance_id, phone: c.phone, detail: c.detail,
    state: c.status === "done" ? "done" : c.status === "failed" ? "failed" : "waiting", running: c.status === "running",
    attempts: c.attempts, error_code: c.error_code, error_message: c.error_message, ran_by: c.ran_by, ran_here: c.ran_here,
    created_ms: c.created_ms, finished_ms: c.finished_ms, retry_of: c.retry_of,
    retried_as: c.status === "failed" && retries.has(c.id) ? retries.get(c.id) : null,
    pinned: c.pinned, pinned_by: c.pinned_by, pinned_here: c.pinned_here, can_give_up: canGiveUp(c),
  });

  Object.assign(handlers, {
    cloud_commands_list: ({ account: asked, filter, limit }) => {
      account(asked);
      if (!state.sync.connection) return { server: "none", items: [] };
      const items = state.cloudCommands
        .filter((c) => c.account_id === asked && (filter === null || filter === undefined || STATES[filter].includes(c.status)))
        .sort((a, b) => b.created_ms - a.created_ms)
        .slice(0, limit ?? 50)
        .map(view);
      return { server: "ready", items };
    },
    cloud_commands_retry: ({ account: asked, id: commandId }) => {
      account(asked);
      if (!state.sync.connection) {
        fail("commands_need_server", "Comandos da nuvem precisam do banco de dados da agência. Conecte este computador em Configurações → Sincronização.");
      }
      const c = state.cloudCommands.find((x) => x.account_id === asked && x.id === commandId)
        ?? fail("command_unknown", "Este comando não está mais no banco da agência (foi apagado?). Atualize a lista.");
      // The server out of reach, as the test says (once).
      const refused = window.__MOCK__.refuseRetry;
      if (refused) { window.__MOCK__.refuseRetry = null; fail(refused.code, refused.message); }
      if (c.status !== "failed") fail("command_not_retriable", "Só um comando que falhou pode ser executado de novo; este ainda espera ou já foi feito.");
      if (!retries.has(c.id)) {
        // As the server's trigger (remote 0021): the retry of a row given
        // up as `database_failed` is pinned to the desktop that ran it; a
        // retry of a pinned row stays pinned.
        const pin = c.error_code === "database_failed"
          ? { pinned: true, pinned_by: c.pinned_by ?? c.ran_by, pinned_here: c.pinned ? c.pinned_here : c.ran_here }
          : { pinned: c.pinned, pinned_by: c.pinned_by, pinned_here: c.pinned_here };
        const again = {
          ...c, id: id(), status: "pending", attempts: 0, error_code: null, error_message: null, ran_by: null, ran_here: false,
          created_ms: Date.now(), finished_ms: null, retry_of: c.retry_of ?? c.id, silent: false, ...pin,
        };
        state.cloudCommands.push(again);
        retries.set(c.id, again.id);
      }
      return retries.get(c.id);
    },
    cloud_commands_give_up: ({ account: asked, id: commandId }) => {
      account(asked);
      if (!state.sync.connection) {
        fail("commands_need_server", "Comandos da nuvem precisam do banco de dados da agência. Conecte este computador em Configurações → Sincronização.");
      }
      const at = state.cloudCommands.findIndex((x) => x.account_id === asked && x.id === commandId);
      if (at < 0) fail("command_unknown", "Este comando não está mais no banco da agência (foi apagado?). Atualize a lista.");
      if (!canGiveUp(state.cloudCommands[at])) {
        fail("command_not_abandonable", "Só é possível desistir de um comando que aguarda um computador específico, enquanto ainda espera (ou está parado num computador sem sinal há dez minutos). Atualize a lista.");
      }
      state.cloudCommands.splice(at, 1);
      return null;
    },
  });

  window.__MOCK__.finishCommand = (index, outcome = {}) => {
    const c = state.cloudCommands[index];
    Object.assign(c, {
      status: outcome.error ? "failed" : "done", attempts: c.attempts + 1, finished_ms: Date.now(),
      error_code: outcome.error ? (outcome.code ?? "flow_unknown") : null, error_message: outcome.error ?? null,
      ran_by: "Ana Operadora", ran_here: true,
    });
  };
}
