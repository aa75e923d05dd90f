import { useEffect, useState } from "react";
import { useApp } from "../../context";
import { useI18n, type MessageKey } from "../../i18n";
import type { RecipientQuery, RecipientState } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommandPages } from "../../data/commands";
import { formatPhone } from "../../format";

const STATES: RecipientState[] = ["pending", "queued", "sent", "delivered", "read", "replied", "failed", "skipped", "cancelled"];
const PAGE = 100;
/** Search a moment after the operator stops typing. */
const SEARCH_MS = 250;

/**
 * The campaign's recipients inside the app: each one's number, where the
 * message stands (the same states as the CSV export) and why it was skipped
 * or failed, filtered by state or by a name or phone, a hundred at a time.
 */
export function Recipients({ campaignId }: { campaignId: string }) {
  const { t, lang } = useI18n();
  const { account } = useApp();
  const [state, setState] = useState<RecipientState | "">("");
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  useEffect(() => {
    const id = setTimeout(() => setSearch(typed.trim()), SEARCH_MS);
    return () => clearTimeout(id);
  }, [typed]);

  const query: RecipientQuery = { state: state || null, search: search || null, offset: 0, limit: PAGE };
  const pages = useCommandPages("campaignsRecipients", [account.id, campaignId, query], (last, all) => {
    const loaded = all.reduce((n, p) => n + p.items.length, 0);
    return loaded < last.total ? [account.id, campaignId, { ...query, offset: loaded }] : undefined;
  });
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? null;
  const total = pages.data?.pages[0]?.total ?? 0;
  const time = (ms: number | null) => (ms === null ? "" : new Date(ms).toLocaleString(lang, { dateStyle: "short", timeStyle: "short" }));

  return (
    <section className="panel" aria-label={t("campaigns.recipients.title")}>
      <div className="panel-head">
        <h2>{t("campaigns.recipients.title")}</h2>
        <span className="muted" data-testid="recipients-total">{t("campaigns.recipients.count", { count: total.toLocaleString(lang) })}</span>
      </div>
      <div className="row2">
        <select aria-label={t("campaigns.recipients.state")} value={state} onChange={(e) => setState(e.target.value as RecipientState | "")}>
          <option value="">{t("campaigns.recipients.allStates")}</option>
          {STATES.map((s) => <option key={s} value={s}>{t(`campaigns.state.${s}` as MessageKey)}</option>)}
        </select>
        <input type="search" aria-label={t("campaigns.recipients.search")} placeholder={t("campaigns.recipients.search")}
          value={typed} onChange={(e) => setTyped(e.target.value)} />
      </div>
      {pages.error && <p className="form-error" role="alert">{errorText(pages.error)}</p>}
      {rows && rows.length === 0 && <p className="muted" data-testid="recipients-none">{t("campaigns.recipients.none")}</p>}
      {rows && rows.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="recipients">
            <thead>
              <tr>
                <th>{t("campaigns.recipients.contact")}</th>
                <th>{t("campaigns.recipients.number")}</th>
                <th>{t("campaigns.recipients.state")}</th>
                <th>{t("campaigns.recipients.sentAt")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.phone} data-testid="recipient" data-state={r.state}>
                  <td><strong>{r.name ?? formatPhone(r.phone)}</strong>{r.name && <span className="muted"> · {formatPhone(r.phone)}</span>}</td>
                  <td>{r.number ?? "—"}</td>
                  <td>
                    <span className={`badge recipient-${r.state}`}>{t(`campaigns.state.${r.state}` as MessageKey)}</span>
                    {r.reason_text && <span className="muted small"> · {r.reason_text}</span>}
                  </td>
                  <td>{time(r.sent_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages.hasNextPage && (
        <button type="button" className="ghost small" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          {t("campaigns.recipients.more")}
        </button>
      )}
    </section>
  );
}
