import { useEffect, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";

/**
 * Settings → Equipe, for owners and admins: the current account's automatic
 * assignment (on/off, the default cap of open chats per operator) and each
 * operator's own cap. Agents are refused these in Rust as well.
 */
export function AssignmentPanel() {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const settings = useCommand("assignmentSettings", [account.id]).data ?? null;
  const [cap, setCap] = useState("");
  useEffect(() => {
    if (settings) setCap(String(settings.default_cap));
  }, [settings?.default_cap]); // eslint-disable-line react-hooks/exhaustive-deps
  const fail = (e: unknown) => toast(errorText(e), "error");
  if (!settings) return null;
  // A cap is a whole number: "2.5" or "1e2" would reach Rust as something
  // else (or be refused there with a less clear message).
  const capOf = (value: string): number | null => {
    const text = value.trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 999) {
      toast(t("assign.capWhole"), "error");
      return null;
    }
    return n;
  };
  const saveAccount = (auto: boolean, value: string) => {
    const n = capOf(value);
    if (n === null) return;
    void write("assignmentSetAccount", account.id, auto, n).then(() => toast(t("assign.saved"))).catch(fail);
  };

  return (
    <div className="panel" id="assignment" data-testid="assignment-settings">
      <h2>{t("assign.settingsTitle", { account: account.name })}</h2>
      <p className="muted">{t("assign.settingsHint")}</p>
      <label className="check">
        <input type="checkbox" checked={settings.auto} onChange={(e) => saveAccount(e.target.checked, cap)} />
        {t("assign.auto")}
      </label>
      <form className="inline-form left" noValidate onSubmit={(e) => { e.preventDefault(); saveAccount(settings.auto, cap); }}>
        <label>
          {t("assign.defaultCap")}
          <input type="number" min={1} max={999} aria-label={t("assign.defaultCap")} value={cap} onChange={(e) => setCap(e.target.value)} />
        </label>
        <button type="submit" className="ghost small">{t("common.save")}</button>
      </form>
      <ul className="account-list">
        {settings.operators.map((o) => (
          <li key={o.email} data-testid="assign-operator">
            <div>
              <strong>{o.name}</strong>
              <span className="muted"> {o.available ? t("assign.available") : t("assign.away")} · {t("assign.open", { count: o.open })}</span>
            </div>
            {o.user_id && (
              <input type="number" min={1} max={999} className="cap" aria-label={t("assign.operatorCap", { name: o.name })}
                placeholder={String(settings.default_cap)} defaultValue={o.cap ?? ""}
                onBlur={(e) => {
                  const value = e.target.value.trim();
                  const next = value === "" ? null : capOf(value);
                  if (value !== "" && next === null) return;
                  if (next === o.cap) return;
                  void write("assignmentSetCap", account.id, o.user_id!, next).then(() => toast(t("assign.saved"))).catch(fail);
                }} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
