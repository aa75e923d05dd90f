import { useEffect, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { errorText } from "../../ipc/errorText";
import type { DesktopSettings } from "../../ipc/bindings";
import { run, useWrite } from "../../data/commands";

/**
 * Settings → Este computador: closing the window keeps the numbers running
 * in the tray (on by default), and ZapDesk opening with the system (off
 * until chosen). Both are this computer's, not the agency's.
 */
export function DesktopPanel() {
  const { t } = useI18n();
  const { toast } = useApp();
  const write = useWrite();
  const [settings, setSettings] = useState<DesktopSettings | null>(null);

  useEffect(() => {
    let gone = false;
    run("desktopSettings", []).then((s) => { if (!gone) setSettings(s); }, (e) => toast(errorText(e), "error"));
    return () => { gone = true; };
  }, [toast]);

  async function change(key: keyof DesktopSettings, on: boolean) {
    try {
      if (key === "close_to_tray") await write("desktopSetCloseToTray", on);
      else await write("desktopSetAutostart", on);
      setSettings((s) => (s ? { ...s, [key]: on } : s));
      toast(t("desktop.saved"));
    } catch (e) {
      toast(errorText(e), "error");
    }
  }

  if (!settings) return null;
  return (
    <section className="panel" id="desktop" aria-labelledby="desktop-title" data-testid="desktop-panel">
      <h2 id="desktop-title">{t("desktop.title")}</h2>
      <label className="check">
        <input type="checkbox" checked={settings.close_to_tray}
          onChange={(e) => void change("close_to_tray", e.target.checked)} />
        {t("desktop.closeToTray")}
      </label>
      <p className="muted">{t("desktop.closeToTrayHint")}</p>
      <label className="check">
        <input type="checkbox" checked={settings.autostart}
          onChange={(e) => void change("autostart", e.target.checked)} />
        {t("desktop.autostart")}
      </label>
      <p className="muted">{t("desktop.autostartHint")}</p>
    </section>
  );
}
