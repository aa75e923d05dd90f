import { useState, type FormEvent } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { errorText, toAppError } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { useUnsaved } from "../../components/unsaved";
import { ApiTokens } from "./ApiTokens";
import { SecretBox } from "./SecretBox";

/**
 * Settings → API: whether the local API listens and where (or why not, in
 * red), its port with the default beside it, the local-network choice behind
 * a warning, the documentation's address, and the tokens.
 */
export function ApiPanel() {
  const { t } = useI18n();
  const { toast } = useApp();
  const write = useWrite();
  // While it starts (neither listening nor refused) it is asked again: the
  // server binds after the setting is saved, and no table changes when it does.
  const query = useCommand("apiStatus", [], {
    refetchInterval: (s) => (s && s.listening === null && s.error === null ? 1000 : false),
  });
  const status = query.data ?? null;
  // The port as typed; null while it is the saved one.
  const [typed, setTyped] = useState<string | null>(null);
  const [portError, setPortError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirmLan, setConfirmLan] = useState(false);
  const [lanBusy, setLanBusy] = useState(false);

  const portText = typed ?? (status ? String(status.port) : "");
  const dirty = status !== null && typed !== null && typed.trim() !== String(status.port);
  useUnsaved(dirty, t("api.portUnsaved"));

  async function savePort(e: FormEvent) {
    e.preventDefault();
    if (!status) return;
    const port = Number(portText.trim());
    // What cannot even be sent as a port is said here; Rust says the rest (reserved, in use).
    if (!/^\d+$/.test(portText.trim()) || !Number.isInteger(port) || port < 1 || port > 65535) {
      setPortError(t("api.portNotNumber"));
      return;
    }
    setSaving(true);
    setPortError(null);
    try {
      const now = await write("apiSetConfig", port, status.lan);
      setTyped(null);
      // Saved, but the server may not get the port (another program has it):
      // then the red box above says why, and there is nothing to celebrate.
      if (now.listening !== null) toast(t("api.portSaved", { port }));
    } catch (err) {
      const error = toAppError(err);
      if (error.code === "api_port_invalid") setPortError(error.message);
      else toast(error.message, "error");
    } finally {
      setSaving(false);
    }
  }

  async function setLan(lan: boolean) {
    if (!status) return;
    setLanBusy(true);
    try {
      const now = await write("apiSetConfig", status.port, lan);
      if (now.listening !== null) toast(t(lan ? "api.lanOnToast" : "api.lanOffToast"));
    } finally {
      setLanBusy(false);
    }
  }

  return (
    <div className="panel api-panel" id="api" role="region" aria-label={t("api.title")}>
      <h2>{t("api.title")}</h2>
      <p className="muted">{t("api.intro")}</p>

      {status && (
        <div className="api-state" data-testid="api-state">
          {status.listening !== null && (
            <p>
              <span className="pill connected">{t("api.on")}</span>{" "}
              {t("api.listening", { address: status.listening })}
            </p>
          )}
          {status.listening === null && status.error !== null && (
            <div className="notice danger" role="alert" data-testid="api-error">
              <p className="strong">{t("api.notListening")}</p>
              <p>{status.error.message}</p>
            </div>
          )}
          {status.listening === null && status.error === null && <p><span className="pill starting">{t("api.starting")}</span></p>}
        </div>
      )}

      {status && (
        <form className="api-port" onSubmit={(e) => void savePort(e)} noValidate>
          <Field id="api-port" label={t("api.port")} hint={t("api.portDefault", { port: status.default_port })} error={portError}>
            {(id, desc) => (
              <input id={id} aria-describedby={desc} inputMode="numeric" className="port-input" value={portText}
                onChange={(e) => { setTyped(e.target.value); setPortError(null); }} />
            )}
          </Field>
          <button type="submit" className="primary" disabled={!dirty || saving}>{t("api.savePort")}</button>
          {status.port !== status.default_port && (
            <button type="button" className="ghost" disabled={saving} onClick={() => { setTyped(String(status.default_port)); setPortError(null); }}>
              {t("api.useDefault")}
            </button>
          )}
        </form>
      )}

      {status && (
        <div className="api-lan">
          <label className="check strong">
            <input type="checkbox" checked={status.lan} disabled={lanBusy}
              onChange={(e) => {
                // Opening the API to the network asks first; closing it does not.
                if (e.target.checked) setConfirmLan(true);
                else void setLan(false).catch((err: unknown) => toast(errorText(err), "error"));
              }} />
            {t("api.lan")}
          </label>
          <p className="field-hint">{t(status.lan ? "api.lanOnHint" : "api.lanOffHint")}</p>
          {status.lan && <p className="notice small" data-testid="api-lan-warning">{t("api.lanWarning")}</p>}
        </div>
      )}

      {status?.docs_url && (
        <div className="api-docs">
          <h3>{t("api.docs")}</h3>
          <p className="field-hint">{t("api.docsHint")}</p>
          <SecretBox text={status.docs_url} label={t("api.docs")} testId="api-docs-url" />
          <button type="button" className="secondary" data-testid="api-docs-open"
            onClick={() => void write("apiOpenDocs").then((opened) => {
              if (!opened) toast(t("api.docsOpenFailed"), "error");
            }, (err: unknown) => toast(errorText(err), "error"))}>
            {t("api.docsOpen")}
          </button>
        </div>
      )}

      <ApiTokens status={status} />

      {confirmLan && (
        <ConfirmDialog title={t("api.lanConfirmTitle")} confirmLabel={t("api.lanConfirm")} danger
          onClose={() => setConfirmLan(false)}
          onConfirm={async () => {
            await setLan(true);
            setConfirmLan(false);
          }}>
          <p>{t("api.lanConfirmBody")}</p>
          <p className="strong">{t("api.lanConfirmTrust")}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
