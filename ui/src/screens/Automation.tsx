import { useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { useCommand } from "../data/commands";
import { useLeave } from "../components/unsaved";
import { AutomationSettingsPanel } from "./automation/AutomationSettings";
import { FlowsTab } from "./automation/Flows";
import { KeywordsTab } from "./automation/Keywords";

type Tab = "keywords" | "flows" | "settings";
const TABS: Tab[] = ["keywords", "flows", "settings"];

/**
 * Automação: keyword replies, conversation flows and the bot's settings, as
 * three tabs of one screen. The settings are here rather than in
 * Configurações because they are the account's bot (hand-off words, time
 * zone for conditions, the AI endpoint), read beside the keywords and flows
 * they govern; Configurações holds the agency's and the app's own.
 */
export function Automation() {
  const { t } = useI18n();
  const { account } = useApp();
  const [tab, setTab] = useState<Tab>("keywords");
  // A tab's unsaved work (the flow editor's text, the settings form) is not dropped without asking.
  const leave = useLeave();
  const open = (next: Tab) => next !== tab && leave(() => setTab(next));
  const settings = useCommand("automationSettingsGet", [account.id]).data ?? null;
  return (
    <section className="screen automation">
      <header className="screen-head">
        <div>
          <h1>{t("automation.title")}</h1>
          <p className="muted">{t("automation.subtitle")}</p>
        </div>
      </header>
      {settings && !settings.enabled && (
        <p className="notice" role="status" data-testid="automation-off">
          {t("automation.offNotice")}{" "}
          <button type="button" className="link inline" onClick={() => open("settings")}>{t("automation.offOpen")}</button>
        </p>
      )}
      <div className="tabs screen-tabs" role="tablist" aria-label={t("automation.title")}>
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" id={`automation-tab-${x}`} aria-controls="automation-panel" aria-selected={tab === x}
            className={tab === x ? "tab active" : "tab"} onClick={() => open(x)}>
            {t(`automation.tab.${x}`)}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id="automation-panel" aria-labelledby={`automation-tab-${tab}`}>
        {tab === "keywords" && <KeywordsTab />}
        {tab === "flows" && <FlowsTab />}
        {tab === "settings" && <AutomationSettingsPanel />}
      </div>
    </section>
  );
}
