import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { errorText } from "../../ipc/errorText";
import { useCommand } from "../../data/commands";
import { copyText } from "../../components/copyText";
import { UpdateDetails } from "./UpdateDetails";

/**
 * Settings → Sobre: the versions support asks for (Chromium, the wa-js
 * bridge, the local database) and "Copiar diagnóstico": a text of versions,
 * counts and the logs' recent warnings — no names, phones, messages or
 * passwords (Rust makes it: crates/app/src/diagnostics.rs).
 */
export function AboutDetails() {
  const { t } = useI18n();
  const { toast } = useApp();
  const query = useCommand("appDiagnostics", []);
  const d = query.data ?? null;
  const [copying, setCopying] = useState(false);

  async function copy() {
    setCopying(true);
    try {
      // Asked again: the warnings of the last minutes are in it.
      const fresh = await query.refetch();
      if (!fresh.data) throw fresh.error;
      await copyText(fresh.data.text);
      toast(t("about.copied"));
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setCopying(false);
    }
  }

  return (
    <div className="about-details" data-testid="about-details">
      {d && (
        <ul className="muted">
          <li>{t("about.chromium", { version: d.chromium_version ?? t("about.unknown"), path: d.chromium_path })}</li>
          <li>{t("about.waJs", { version: d.wa_js_version })}</li>
          <li>{t("about.database", { version: d.schema_version })}</li>
          <li className="mono">{t("about.logs", { dir: d.log_dir })}</li>
        </ul>
      )}
      <button type="button" className="ghost" disabled={copying || !d} onClick={() => void copy()}>
        {t("about.copy")}
      </button>
      <p className="muted">{t("about.copyHint")}</p>
      <UpdateDetails />
    </div>
  );
}
