import { useApp } from "../context";
import { useI18n, type MessageKey } from "../i18n";
import { useCommand } from "../data/commands";

const ACTIONS: Record<string, MessageKey> = {
  contact_exported: "audit.action.contact_exported",
  contact_erased: "audit.action.contact_erased",
};

/** Settings → the account's LGPD log: who exported or erased which contact, and when. */
export function AuditPanel() {
  const { t, lang } = useI18n();
  const { account } = useApp();
  const audit = useCommand("auditList", [account.id]);
  const list = audit.data ?? null;
  const when = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" });

  return (
    <div className="panel" role="region" aria-label={t("audit.title")}>
      <div className="panel-head">
        <h2>{t("audit.title")}</h2>
        <button type="button" className="ghost small" onClick={() => void audit.refetch()}>
          {t("audit.reload")}
        </button>
      </div>
      <p className="muted">{t("audit.hint")}</p>
      {list?.length === 0 && <p className="muted small">{t("audit.empty")}</p>}
      {list && list.length > 0 && (
        <div className="table-scroll">
          <table className="table" aria-label={t("audit.title")}>
            <thead>
              <tr><th>{t("audit.at")}</th><th>{t("audit.actor")}</th><th>{t("audit.action")}</th><th>{t("audit.contact")}</th></tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id} data-testid="audit-entry">
                  <td>{when.format(new Date(a.at))}</td>
                  <td>{a.actor_name}</td>
                  <td>{ACTIONS[a.action] ? t(ACTIONS[a.action] as MessageKey) : a.action}</td>
                  <td className="mono">{a.contact_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
