import { useEffect, useState } from "react";
import { useI18n } from "../../i18n";
import { AppError, call, commands, type ParkedChange } from "../../ipc/call";

interface Props {
  /** How many the engine counts (its status): the list reloads when it moves. */
  count: number;
}

/**
 * Changes the agency's server refused for good, set aside so the rest of
 * the sync flows (crates/sync/src/parked.rs): what, which one, why, and a
 * way to send them again once the reason is fixed.
 */
export function ParkedChanges({ count }: Props) {
  const { t, lang } = useI18n();
  const [rows, setRows] = useState<ParkedChange[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    if (count === 0) {
      setRows([]);
      return;
    }
    call(commands.syncParked())
      .then((list) => { if (!cancelled) setRows(list); })
      .catch((e) => { if (!cancelled) setError(e instanceof AppError ? e.message : String(e)); });
    return () => { cancelled = true; };
  }, [count, lang]);

  async function retry() {
    setBusy(true);
    setError(null);
    try {
      await call(commands.syncRetryParked());
      setRows([]);
    } catch (e) {
      setError(e instanceof AppError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (rows.length === 0 && !error) return null;
  return (
    <section className="sync-parked" aria-labelledby="sync-parked-title" data-testid="sync-parked">
      <h3 id="sync-parked-title">{t("sync.parked.title", { n: rows.length })}</h3>
      <p className="muted">{t("sync.parked.hint")}</p>
      <ul>
        {rows.map((r, i) => (
          <li key={`${r.account_id}-${r.parked_at}-${i}`} data-testid="sync-parked-row">
            <strong>{r.what}</strong>{r.label && <> · <span>{r.label}</span></>}
            <span className="muted"> · {r.account_name}</span>
            <div className="form-error" title={r.detail}>{r.reason}</div>
          </li>
        ))}
      </ul>
      {error && <p className="form-error" role="alert">{error}</p>}
      {rows.length > 0 && (
        <button type="button" disabled={busy} onClick={() => void retry()}>{t("sync.parked.retry")}</button>
      )}
    </section>
  );
}
