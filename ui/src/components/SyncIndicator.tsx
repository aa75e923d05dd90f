import { useEffect, useState } from "react";
import { useI18n, type Translate } from "../i18n";
import type { SyncView } from "../ipc/call";
import { useSyncView } from "../data/sync";

/** Minutes or hours since `at`, as the indicator words it. */
function ago(t: Translate, at: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - at) / 60_000);
  if (minutes < 1) return t("sync.ago.now");
  if (minutes < 60) return t("sync.ago.minutes", { n: minutes });
  return t("sync.ago.hours", { n: Math.floor(minutes / 60) });
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function label(t: Translate, view: SyncView, now: number): string {
  const status = view.status;
  if (!view.connection || !status) return t("sync.localOnly");
  switch (status.state.state) {
    case "synced":
      return status.last_sync === null ? t("sync.synced") : t("sync.syncedAgo", { ago: ago(t, status.last_sync, now) });
    case "syncing":
      return t("sync.syncing");
    case "offline":
      return t("sync.offline", { time: clock(status.state.since) });
    case "error":
      return t("sync.error", { message: status.state.message });
  }
}

/**
 * The top bar's word on sync: synced, syncing (with progress), offline or an
 * error, and how many changes wait to be sent; "only on this computer" when no
 * server is configured. A click opens Settings → Sincronização.
 */
export function SyncIndicator({ onOpen }: { onOpen: () => void }) {
  const { t } = useI18n();
  const view = useSyncView();
  // "há 2 min" must age while nothing else changes.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  // A new status is measured against the time it arrived.
  useEffect(() => setNow(Date.now()), [view]);
  if (!view) return null;
  const status = view.connection ? view.status : null;
  const state = status?.state.state ?? "local";
  const syncing = status?.state.state === "syncing" ? status.state : null;
  return (
    <button type="button" className={`ghost sync-indicator sync-${state}`} data-testid="sync-indicator"
      data-state={state} onClick={onOpen} title={t("sync.open")}>
      <span className="sync-dot" aria-hidden="true" />
      <span data-testid="sync-text">{label(t, view, now)}</span>
      {syncing && syncing.total > 1 && (
        <progress className="sync-progress" value={syncing.done} max={syncing.total}
          aria-label={t("sync.progress", { done: syncing.done, total: syncing.total })} />
      )}
      {status && status.waiting > 0 && (
        <span className="sync-waiting" data-testid="sync-waiting">{t("sync.waiting", { n: status.waiting })}</span>
      )}
      {status && status.parked > 0 && (
        <span className="sync-waiting sync-parked-count" data-testid="sync-parked-count">{t("sync.parkedCount", { n: status.parked })}</span>
      )}
    </button>
  );
}
