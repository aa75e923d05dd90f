import { useMemo, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { ApiStatus, ApiToken, CreatedToken } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { prefixText } from "./apiText";
import { CreatedTokenDialog, TokenDialog } from "./TokenDialog";

/**
 * The API's tokens: name (and the secret's first characters, to recognise
 * it), the account or the whole agency, scopes, created, last used, revoked;
 * "Novo token" and "Revogar".
 */
export function ApiTokens({ status }: { status: ApiStatus | null }) {
  const { t, lang } = useI18n();
  const { toast } = useApp();
  const write = useWrite();
  const tokens = useCommand("apiTokensList", []).data ?? null;
  // Archived accounts keep their tokens: their names are still shown.
  const accounts = useCommand("accountsList", [true]).data ?? [];
  const names = useMemo(() => new Map(accounts.map((a) => [a.id, a.name])), [accounts]);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const when = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" });

  return (
    <div className="api-tokens">
      <div className="panel-head">
        <h3>{t("api.tokens")}</h3>
        <button type="button" className="primary" onClick={() => setCreating(true)}>+ {t("api.newToken")}</button>
      </div>
      <p className="field-hint">{t("api.tokensHint")}</p>
      {tokens?.length === 0 && <p className="muted small" data-testid="tokens-empty">{t("api.noTokens")}</p>}
      {tokens && tokens.length > 0 && (
        <div className="table-scroll">
          <table className="table token-table" aria-label={t("api.tokens")}>
            <thead>
              <tr>
                <th scope="col">{t("api.col.name")}</th>
                <th scope="col">{t("api.col.account")}</th>
                <th scope="col">{t("api.col.scopes")}</th>
                <th scope="col">{t("api.col.created")}</th>
                <th scope="col">{t("api.col.lastUsed")}</th>
                <th scope="col">{t("api.col.state")}</th>
                <th scope="col"><span className="sr-only">{t("api.col.manage")}</span></th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => (
                <tr key={tk.id} data-testid="token-row" className={tk.revoked_at !== null ? "off" : ""}>
                  <td>
                    <strong>{tk.name}</strong>
                    <div className="mono muted">{prefixText(tk.prefix)}</div>
                  </td>
                  <td>{tk.account_id === null ? t("api.agencyWide") : names.get(tk.account_id) ?? t("api.accountGone")}</td>
                  <td>
                    <div className="tag-list tight">
                      {tk.scopes.map((s) => <span key={s} className="chip static" data-testid="scope-chip">{t(`api.scope.${s}`)}</span>)}
                    </div>
                  </td>
                  <td className="small">{when.format(new Date(tk.created_at))}</td>
                  <td className="small">{tk.last_used_at === null ? t("api.neverUsed") : when.format(new Date(tk.last_used_at))}</td>
                  <td className="small">
                    {tk.revoked_at === null
                      ? <span className="pill connected">{t("api.active")}</span>
                      : <span className="pill danger">{t("api.revokedAt", { date: when.format(new Date(tk.revoked_at)) })}</span>}
                  </td>
                  <td>
                    {tk.revoked_at === null && (
                      <button type="button" className="ghost small danger" aria-label={t("api.revokeNamed", { name: tk.name })} onClick={() => setRevoking(tk)}>
                        {t("api.revoke")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {creating && (
        <TokenDialog
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
          }}
        />
      )}
      {created && <CreatedTokenDialog created={created} status={status} onClose={() => setCreated(null)} />}
      {revoking && (
        <ConfirmDialog title={t("api.revokeTitle")} confirmLabel={t("api.revoke")} danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await write("apiTokensRevoke", revoking.id);
            toast(t("api.revokedToast", { name: revoking.name }));
            setRevoking(null);
          }}>
          <p>{t("api.revokeConfirm", { name: revoking.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
