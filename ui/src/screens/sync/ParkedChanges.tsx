import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useI18n } from "../../i18n";
import type { ParkedChange } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { PARKED_KEY } from "../../data/sync";

interface Props {
  /** How many the engine counts (its status): the list is asked while there are some (and again when it moves, data/sync.ts). */
  count: number;
}

/**
 * Changes the agency's server refused for good, set aside so the rest of
 * the sync flows (crates/sync/src/parked.rs): what, which one, why, and a
 * way to send them again once the reason is fixed.
 */
export function ParkedChanges({ count }: Props) {
  const { t } = useI18n();
  const client = useQueryClient();
  const write = useWrite();
  const parked = useCommand("syncParked", [], { enabled: count > 0, inline: true });
  const rows = count > 0 ? parked.data ?? [] : [];
  const [failed, setFailed] = useState<string | null>(null);
  const error = failed ?? (count > 0 && parked.error ? errorText(parked.error) : null);
  const [busy, setBusy] = useState(false);

  async function retry() {
    setBusy(true);
    setFailed(null);
    try {
      await write("syncRetryParked");
      // Back in the outbox: none are parked until the engine says otherwise.
      client.setQueryData<ParkedChange[]>(PARKED_KEY, []);
    } catch (e) {
      setFailed(errorText(e));
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
