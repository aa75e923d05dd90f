import { useEffect, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { CloudCommand, CommandState } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { useSyncView } from "../../data/sync";
import { ConfirmDialog } from "../../components/ConfirmDialog";

/**
 * How often the list is asked again while shown. The server tells the
 * desktops of a new row, not of one another desktop claimed or finished,
 * so a row's state is read again on a timer, as the integration itself
 * would poll it.
 */
export const REFRESH_MS = 5000;

const STATES: CommandState[] = ["waiting", "done", "failed"];

/** The kinds 0012's CHECK allows, in words; another (a newer server's) as written. */
const KINDS = {
  send_text: "cloudCommands.kind.send_text",
  add_tag: "cloudCommands.kind.add_tag",
  remove_tag: "cloudCommands.kind.remove_tag",
  start_flow: "cloudCommands.kind.start_flow",
} as const;
const kindKey = (kind: string) => (kind in KINDS ? KINDS[kind as keyof typeof KINDS] : null);

/** The pill of a row: waiting, being run, done or failed (the log's colours). */
function pillOf(c: CloudCommand): string {
  if (c.state === "done") return "delivery-delivered";
  if (c.state === "failed") return "delivery-failed";
  return c.running ? "delivery-retrying" : "delivery-pending";
}

/**
 * Settings → Integrações → Comandos da nuvem: the account's recent rows of
 * the agency's `commands` table (what Zapier, Make or n8n asked), each with
 * its state, the failure in words, the desktop that ran it, when it was
 * written and finished; filterable by state; a failed one can run again (a
 * new row, once). A "run again" pinned to one desktop that still waits for
 * it (pending, or stuck on a desktop silent for ten minutes) can be given
 * up: after a confirmation that says what it means, the row is deleted on
 * the server. Without the agency's database there are none to show, and the
 * panel says so.
 */
export function CloudCommandsPanel() {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const connected = Boolean(useSyncView()?.connection);
  const [filter, setFilter] = useState<CommandState | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [givingUp, setGivingUp] = useState<CloudCommand | null>(null);
  const list = useCommand("cloudCommandsList", [account.id, filter, null], {
    keepPrevious: true,
    // A server out of reach is said in the panel, not as a toast every few seconds.
    inline: true,
    refetchInterval: () => (connected ? REFRESH_MS : false),
  });
  // Connected or disconnected in Settings → Sincronização: asked again at once.
  const { refetch } = list;
  useEffect(() => {
    void refetch();
  }, [connected, refetch]);
  const when = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "medium" });
  const data = list.data ?? null;
  const items = data?.server === "ready" ? data.items : null;

  async function retry(c: CloudCommand) {
    setBusy(c.id);
    try {
      await write("cloudCommandsRetry", account.id, c.id);
      await list.refetch();
      toast(t("cloudCommands.retried"));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(null);
    }
  }

  // Deleted on the server; a refusal (the row was claimed meanwhile, say)
  // stays in the dialog.
  async function giveUp(c: CloudCommand) {
    await write("cloudCommandsGiveUp", account.id, c.id);
    setGivingUp(null);
    await list.refetch();
    toast(t("cloudCommands.givenUp"));
  }

  const stateText = (c: CloudCommand) =>
    c.state === "waiting" && c.running ? t("cloudCommands.state.running") : t(`cloudCommands.state.${c.state}`);
  const kindText = (kind: string) => {
    const key = kindKey(kind);
    return key ? t(key) : kind;
  };
  // A "run again" of a row given up as `database_failed` is executed only by
  // the desktop that ran it (its message may be queued there alone; remote
  // 0021): said, so a row waiting for a desktop that is closed (or gone) is
  // not a mystery.
  const pinnedText = (c: CloudCommand) =>
    c.pinned_here
      ? t("cloudCommands.pinnedHere")
      : t("cloudCommands.pinnedElsewhere", { name: c.pinned_by ?? t("cloudCommands.pinnedUnknown") });
  const desktopText = (c: CloudCommand) =>
    c.ran_by === null ? "—" : c.ran_here ? t("cloudCommands.thisDesktop", { name: c.ran_by }) : c.ran_by;

  return (
    <div className="panel cloud-commands-panel" id="integrations" role="region" aria-label={t("cloudCommands.title")}>
      <div className="panel-head">
        <h2>{t("cloudCommands.title")}</h2>
        {items !== null && (
          <label>
            <span className="sr-only">{t("cloudCommands.filter")}</span>
            <select aria-label={t("cloudCommands.filter")} value={filter ?? ""}
              onChange={(e) => setFilter(e.target.value === "" ? null : (e.target.value as CommandState))}>
              <option value="">{t("cloudCommands.filterAll")}</option>
              {STATES.map((s) => <option key={s} value={s}>{t(`cloudCommands.state.${s}`)}</option>)}
            </select>
          </label>
        )}
      </div>
      <p className="muted">{t("cloudCommands.intro", { account: account.name })}</p>
      {data?.server === "none" && (
        <p className="notice" data-testid="cloud-commands-no-server">{t("cloudCommands.noServer")}</p>
      )}
      {data?.server === "outdated" && (
        <p className="notice" data-testid="cloud-commands-outdated">{t("cloudCommands.outdated")}</p>
      )}
      {list.error && (
        <p className="notice danger" role="alert" data-testid="cloud-commands-error">{errorText(list.error)}</p>
      )}
      {items?.length === 0 && (
        <p className="muted small" data-testid="cloud-commands-empty">
          {filter === null ? t("cloudCommands.empty") : t("cloudCommands.emptyFiltered")}
        </p>
      )}
      {items && items.length > 0 && (
        <div className="table-scroll">
          <table className="table delivery-table" aria-label={t("cloudCommands.title")}>
            <thead>
              <tr>
                <th scope="col">{t("cloudCommands.col.created")}</th>
                <th scope="col">{t("cloudCommands.col.kind")}</th>
                <th scope="col">{t("cloudCommands.col.target")}</th>
                <th scope="col">{t("cloudCommands.col.state")}</th>
                <th scope="col">{t("cloudCommands.col.desktop")}</th>
                <th scope="col">{t("cloudCommands.col.finished")}</th>
                <th scope="col"><span className="sr-only">{t("cloudCommands.col.manage")}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-testid="cloud-command-row">
                  <td className="small">{when.format(new Date(c.created_ms))}</td>
                  <td>
                    <span data-testid="cloud-command-kind">{kindText(c.kind)}</span>
                    {c.detail !== null && <span className="muted small"> · {c.detail}</span>}
                    {c.retry_of !== null && <span className="muted small"> · {t("cloudCommands.isRetry")}</span>}
                  </td>
                  <td className="mono small">{c.phone ?? "—"}</td>
                  <td>
                    <span className={`pill ${pillOf(c)}`} data-testid="cloud-command-state">{stateText(c)}</span>
                    {c.error_message !== null && (
                      <div className="small delivery-error" data-testid="cloud-command-error">{c.error_message}</div>
                    )}
                    {c.state === "waiting" && c.pinned && (
                      <div className="small muted" data-testid="cloud-command-pinned">{pinnedText(c)}</div>
                    )}
                  </td>
                  <td className="small" data-testid="cloud-command-desktop">{desktopText(c)}</td>
                  <td className="small">{c.finished_ms === null ? "—" : when.format(new Date(c.finished_ms))}</td>
                  <td>
                    {c.state === "failed" && c.retried_as === null && (
                      <button type="button" className="ghost small" disabled={busy === c.id} onClick={() => void retry(c)}>
                        {t("cloudCommands.retry")}
                      </button>
                    )}
                    {c.retried_as !== null && <span className="muted small">{t("cloudCommands.retriedAlready")}</span>}
                    {c.state === "waiting" && c.pinned && c.can_give_up && (
                      <button type="button" className="ghost small" data-testid="cloud-command-give-up"
                        onClick={() => setGivingUp(c)}>
                        {t("cloudCommands.giveUp")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {givingUp && (
        <ConfirmDialog
          title={t("cloudCommands.giveUpTitle")}
          confirmLabel={t("cloudCommands.giveUpConfirm")}
          danger
          onClose={() => setGivingUp(null)}
          onConfirm={() => giveUp(givingUp)}
        >
          <p data-testid="cloud-command-give-up-text">
            {t("cloudCommands.giveUpBody")}{" "}
            {givingUp.pinned_here
              ? t("cloudCommands.giveUpQueuedHere")
              : t("cloudCommands.giveUpQueuedElsewhere", { name: givingUp.pinned_by ?? t("cloudCommands.pinnedUnknown") })}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
