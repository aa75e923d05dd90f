import { useEffect, useRef, useState, type FormEvent } from "react";
import { useI18n } from "../i18n";
import type { ConnectionSettings, ErrorCode, RemoteStatus, TlsMode } from "../ipc/call";
import { errorText, toAppError } from "../ipc/errorText";
import { useWrite } from "../data/commands";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Field } from "../components/Field";
import { useSyncView } from "../data/sync";
import { ParkedChanges } from "./sync/ParkedChanges";

type FieldName = "host" | "port" | "database" | "operator" | "password" | "tls" | "form";

const LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1", "[::1]"];
const isLocal = (host: string) => LOCAL_HOSTS.includes(host.trim().toLowerCase());

/** Which field a refusal belongs under, so the operator sees what to fix. */
function fieldOf(code: ErrorCode | "ipc_failed", form: Form): FieldName {
  switch (code) {
    case "remote_pooler_transaction_mode": return "port";
    case "remote_auth_failed": return "password";
    case "remote_unreachable": return "host";
    case "remote_tls_failed": return "tls";
    case "remote_schema_missing": case "remote_schema_too_new": return "database";
    case "remote_forbidden": return "operator";
    // Plain text to another computer is the one refusal that depends on the TLS choice.
    case "remote_invalid": return form.tls === "disable" && !isLocal(form.host) ? "tls" : "host";
    default: return "form";
  }
}

interface Form { host: string; port: string; database: string; operator: string; password: string; tls: TlsMode; ca: string }

const EMPTY: Form = { host: "", port: "5432", database: "postgres", operator: "", password: "", tls: "verify_full", ca: "" };

function fromSaved(c: ConnectionSettings): Form {
  return { host: c.host, port: String(c.port), database: c.database, operator: c.operator, password: "", tls: c.tls, ca: c.ca_certificate ?? "" };
}

/** Settings → Sincronização: the agency's server this desktop syncs with. */
export function SyncPanel() {
  const { t } = useI18n();
  const view = useSyncView();
  const write = useWrite();
  const [form, setForm] = useState<Form>(EMPTY);
  const [error, setError] = useState<{ field: FieldName; message: string } | null>(null);
  const [tested, setTested] = useState<RemoteStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const saved = view?.connection ?? null;
  const savedKey = saved ? JSON.stringify(saved) : "";

  // The saved connection fills the form (the password stays in the credential store).
  useEffect(() => {
    if (savedKey) setForm(fromSaved(JSON.parse(savedKey) as ConnectionSettings));
  }, [savedKey]);

  // The top bar's indicator opens this panel through `#sync`.
  useEffect(() => {
    const show = () => {
      if (window.location.hash === "#sync") panel.current?.scrollIntoView({ block: "start" });
    };
    show();
    window.addEventListener("hashchange", show);
    return () => window.removeEventListener("hashchange", show);
  }, []);

  const set = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setError(null);
    setTested(null);
  };

  function settings(): ConnectionSettings | null {
    const port = Number(form.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      setError({ field: "port", message: t("sync.portInvalid") });
      return null;
    }
    return { host: form.host.trim(), port, database: form.database.trim(), operator: form.operator.trim(), tls: form.tls, ca_certificate: form.ca.trim() || null };
  }

  async function run(save: boolean) {
    const s = settings();
    if (!s) return;
    setBusy(true);
    setError(null);
    setTested(null);
    try {
      const remote = save ? await write("syncSave", s, form.password) : await write("syncTest", s, form.password);
      setTested(remote);
      if (save) setForm((f) => ({ ...f, password: "" }));
    } catch (e) {
      const err = toAppError(e);
      setError({ field: fieldOf(err.code, form), message: err.message });
    } finally {
      setBusy(false);
    }
  }

  async function disconnect() {
    setConfirming(false);
    setBusy(true);
    try {
      await write("syncDisconnect");
      setForm(EMPTY);
      setTested(null);
      setError(null);
    } catch (e) {
      setError({ field: "form", message: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  const errorOf = (field: FieldName) => (error?.field === field ? error.message : null);
  const submit = (e: FormEvent) => { e.preventDefault(); void run(true); };

  return (
    <div className="panel sync-panel" id="sync" ref={panel}>
      <h2>{t("sync.title")}</h2>
      <p className="muted">{saved ? t("sync.connectedTo", { host: saved.host, operator: saved.operator }) : t("sync.hint")}</p>
      <form className="sync-form" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field id="sync-host" label={t("sync.host")} hint={t("sync.hostHint")} error={errorOf("host")}>
            {(id, d) => <input id={id} aria-describedby={d} value={form.host} autoComplete="off" spellCheck={false}
              onChange={(e) => set({ host: e.target.value })} />}
          </Field>
          <Field id="sync-port" label={t("sync.port")} error={errorOf("port")}>
            {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" value={form.port}
              onChange={(e) => set({ port: e.target.value })} />}
          </Field>
        </div>
        <div className="form-row">
          <Field id="sync-database" label={t("sync.database")} error={errorOf("database")}>
            {(id, d) => <input id={id} aria-describedby={d} value={form.database} autoComplete="off"
              onChange={(e) => set({ database: e.target.value })} />}
          </Field>
          <Field id="sync-operator" label={t("sync.operator")} hint={t("sync.operatorHint")} error={errorOf("operator")}>
            {(id, d) => <input id={id} aria-describedby={d} value={form.operator} autoComplete="off" spellCheck={false}
              onChange={(e) => set({ operator: e.target.value })} />}
          </Field>
        </div>
        <div className="form-row">
          <Field id="sync-password" label={t("sync.password")} hint={saved ? t("sync.passwordSaved") : undefined} error={errorOf("password")}>
            {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="new-password" value={form.password}
              onChange={(e) => set({ password: e.target.value })} />}
          </Field>
          <Field id="sync-tls" label={t("sync.tls")} hint={t("sync.tlsHint")} error={errorOf("tls")}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={form.tls} onChange={(e) => set({ tls: e.target.value as TlsMode })}>
                <option value="verify_full">{t("sync.tls.verifyFull")}</option>
                <option value="disable">{t("sync.tls.disable")}</option>
              </select>
            )}
          </Field>
        </div>
        <Field id="sync-ca" label={t("sync.ca")} hint={t("sync.caHint")}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={3} value={form.ca} spellCheck={false}
            onChange={(e) => set({ ca: e.target.value })} />}
        </Field>
        {error?.field === "form" && <p className="form-error" role="alert">{error.message}</p>}
        {tested && (
          <p className="sync-ok" role="status" data-testid="sync-tested">
            {t("sync.testOk", { version: tested.schema_version, name: tested.display_name, accounts: tested.memberships.length })}
          </p>
        )}
        <div className="row-actions">
          <button type="button" className="ghost" disabled={busy} onClick={() => void run(false)}>{t("sync.test")}</button>
          <button type="submit" disabled={busy}>{t("sync.save")}</button>
          {saved && <button type="button" className="ghost" disabled={busy} onClick={() => void write("syncNow").catch(() => {})}>{t("sync.now")}</button>}
          {saved && <button type="button" className="ghost danger" disabled={busy} onClick={() => setConfirming(true)}>{t("sync.disconnect")}</button>}
        </div>
      </form>
      {saved && <ParkedChanges count={view?.status?.parked ?? 0} />}
      {confirming && (
        <ConfirmDialog title={t("sync.disconnectTitle")} confirmLabel={t("sync.disconnect")} danger
          onClose={() => setConfirming(false)} onConfirm={disconnect}>
          <p>{t("sync.disconnectConfirm")}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
