// The dashboard and reports (issue 18, items 1 and 2) in the fake Rust side,
// installed after mock-backend.mjs on its state. Rust computes the figures
// (crates/core/src/reports, tested there with known answers); here a test
// seeds the `Report` each command answers, in Rust's shape:
// `seed.reports` {accounts: [Report per account index], agency: Report},
// missing ones answered as an empty period. `reports_*_export` record what
// was asked and answer `seed.reportExportPath` (null = dialog cancelled);
// agents are refused exports as Rust refuses them.
export function installReportsMock(seed) {
  const { state } = window.__MOCK__;
  const { fail, handlers } = window.__MOCK__.lib;
  const given = seed.reports ?? {};
  const durations = () => ({ count: 0, median_ms: null, p90_ms: null });
  const totals = () => ({
    messages_in: 0, messages_out: 0, new_contacts: 0, conversations_opened: 0, conversations_resolved: 0,
    first_response: durations(), resolution: durations(), campaign_messages: 0,
    flows_started: 0, flows_completed: 0, flows_handed_off: 0,
  });
  const empty = ({ from, to }) => ({
    from, to, previous_from: from, previous_to: to, days: [], totals: totals(), previous: totals(),
    waiting: { open: 0, pending: 0 }, operators: [], campaigns: [], numbers: [], accounts: [], failed: [],
  });
  const meRole = () => state.users?.find((u) => u.id === state.me)?.role;
  const refuseAgent = () => {
    if (meRole() === "agent") fail("operator_forbidden", "Só donos e administradores podem exportar dados.");
  };
  const view = (report, range) => ({ report: { ...(report ?? empty(range)), from: range.from, to: range.to }, live: [] });
  state.reportExports = [];
  Object.assign(handlers, {
    reports_account: ({ account: id, range }) => {
      const i = state.accounts.findIndex((a) => a.id === id);
      return view(given.accounts?.[i], range);
    },
    reports_agency: ({ range }) => view(given.agency, range),
    reports_account_export: ({ account: id, range, table }) => {
      refuseAgent();
      state.reportExports.push({ scope: "account", account: id, range, table });
      return seed.reportExportPath === undefined ? "/home/ana/Documentos/relatorio.csv" : seed.reportExportPath;
    },
    reports_agency_export: ({ range, table }) => {
      refuseAgent();
      state.reportExports.push({ scope: "agency", range, table });
      return seed.reportExportPath === undefined ? "/home/ana/Documentos/relatorio.csv" : seed.reportExportPath;
    },
  });
}
