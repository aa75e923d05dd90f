import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Delivery, Webhook } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommandPages, useWrite } from "../../data/commands";
import { eventKey } from "./events";

/** The page size of webhooks_deliveries: a shorter page is the last one. */
const PAGE = 50;

/**
 * The log's error while the webhook's secret has not come from the agency's
 * server (Rust's `zapdesk_core::webhooks::queue::SECRET_NOT_HERE`): shown in
 * the interface's language.
 */
export const SECRET_NOT_HERE =
  "secret not yet received from the agency's server: waiting for it (never sent unsigned)";

/**
 * Where the page after `d` starts: the log's own order (`seq`) where Rust
 * gives it, else the row's time.
 */
function cursorOf(d: Delivery): number {
  const seq = (d as { seq?: unknown }).seq;
  return typeof seq === "number" ? seq : d.created_at;
}

/**
 * One webhook's delivery log, newest first: when, the event in words, the
 * status (with the attempts while it retries), the HTTP code, the response
 * time, the error, the next attempt, and "Enviar de novo". Rows change as
 * the sender works: `webhook_deliveries` changes refetch the pages loaded.
 */
export function DeliveryLog({ webhook }: { webhook: Webhook }) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [sending, setSending] = useState<string | null>(null);
  const log = useCommandPages("webhooksDeliveries", [account.id, webhook.id, null], (last) => {
    const end = last[last.length - 1];
    return last.length === PAGE && end ? [account.id, webhook.id, cursorOf(end)] : undefined;
  });
  const rows = log.data?.pages.flat() ?? null;
  const when = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "medium" });
  const number = new Intl.NumberFormat(lang);

  async function redeliver(d: Delivery) {
    setSending(d.id);
    try {
      await write("webhooksRedeliver", account.id, d.id);
      toast(t("webhooks.redelivered"));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setSending(null);
    }
  }

  const statusText = (d: Delivery) =>
    d.status === "retrying" ? t("webhooks.status.retrying", { n: d.attempts }) : t(`webhooks.status.${d.status}`);

  return (
    <section className="delivery-log" aria-label={t("webhooks.logOf", { url: webhook.url })}>
      <div className="panel-head">
        <h3>{t("webhooks.log")} <span className="mono muted">{webhook.url}</span></h3>
      </div>
      <p className="muted small" data-testid="deliveries-here">{t("webhooks.logHere")}</p>
      {rows?.length === 0 && <p className="muted small" data-testid="deliveries-empty">{t("webhooks.logEmpty")}</p>}
      {rows && rows.length > 0 && (
        <div className="table-scroll">
          <table className="table delivery-table" aria-label={t("webhooks.log")}>
            <thead>
              <tr>
                <th scope="col">{t("webhooks.col.at")}</th>
                <th scope="col">{t("webhooks.col.event")}</th>
                <th scope="col">{t("webhooks.col.status")}</th>
                <th scope="col">{t("webhooks.col.code")}</th>
                <th scope="col">{t("webhooks.col.time")}</th>
                <th scope="col">{t("webhooks.col.error")}</th>
                <th scope="col">{t("webhooks.col.next")}</th>
                <th scope="col"><span className="sr-only">{t("webhooks.col.manage")}</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <td className="small">{when.format(new Date(d.created_at))}</td>
                  <td>{t(eventKey(d.event_type))}</td>
                  <td><span className={`pill delivery-${d.status}`} data-testid="delivery-status">{statusText(d)}</span></td>
                  <td data-testid="delivery-code">{d.last_status_code ?? "—"}</td>
                  <td data-testid="delivery-time">{d.last_duration_ms === null ? "—" : t("webhooks.ms", { ms: number.format(d.last_duration_ms) })}</td>
                  <td className="small delivery-error">{d.last_error === SECRET_NOT_HERE ? t("webhooks.secretWaiting") : d.last_error ?? ""}</td>
                  <td className="small">{d.next_attempt_at === null ? "—" : when.format(new Date(d.next_attempt_at))}</td>
                  <td>
                    <button type="button" className="ghost small" disabled={sending === d.id || d.status === "pending"}
                      onClick={() => void redeliver(d)}>
                      {t("webhooks.redeliver")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <button type="button" className="ghost small older" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          {t("webhooks.loadMore")}
        </button>
      )}
    </section>
  );
}
