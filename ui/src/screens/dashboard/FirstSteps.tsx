import { useState } from "react";
import { useApp } from "../../context";
import { useI18n, type MessageKey } from "../../i18n";
import { useCommand } from "../../data/commands";
import { useSyncView } from "../../data/sync";

/** Where a step is done: a screen, and on Configurações the panel to scroll to. */
export type StepTarget = { screen: "numbers" | "contacts" | "settings"; panel?: "accounts" | "team" | "sync" };

interface Step {
  key: "account" | "number" | "contacts" | "team" | "sync";
  done: boolean;
  optional?: boolean;
  target: StepTarget;
}

/** Set once "Dispensar" is pressed: this desktop shows the checklist no more. */
const DISMISSED_KEY = "zapdesk.firstSteps.dismissed";

/**
 * The first run's checklist, on the Painel: what a new agency does before
 * ZapDesk is useful, each step ticked from the real data (a number that has
 * connected, contacts in the account, a second operator, a saved sync
 * connection) and leading to the screen that does it. It goes away once the
 * required steps are done, or when dismissed (remembered); the team and sync
 * stay optional (a one-person agency has no one to invite). Its own
 * component so the dashboard (issue 18, item 1) can be built around it.
 */
export function FirstSteps({ go }: { go: (target: StepTarget) => void }) {
  const { t } = useI18n();
  const { account, accounts } = useApp();
  // Each read is a tick, not a place to report a failure: a failed one stays unticked.
  const numbers = useCommand("numbersList", [account.id], { inline: true }).data;
  const contacts = useCommand("contactsCount", [account.id, {}], { inline: true }).data;
  const users = useCommand("usersList", [], { inline: true }).data;
  const sync = useSyncView();
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(DISMISSED_KEY) === "1");
  if (dismissed) return null;
  if (numbers === undefined || contacts === undefined || users === undefined) return null;

  const steps: Step[] = [
    { key: "account", done: accounts.length > 0, target: { screen: "settings", panel: "accounts" } },
    // Connected here, run by another desktop, or paired once (its phone is known).
    { key: "number", done: numbers.some((n) => n.status.state === "connected" || n.runs_elsewhere !== null || n.number.phone !== null), target: { screen: "numbers" } },
    { key: "contacts", done: contacts > 0, target: { screen: "contacts" } },
    { key: "team", done: users.length > 1, optional: true, target: { screen: "settings", panel: "team" } },
    { key: "sync", done: Boolean(sync?.connection), optional: true, target: { screen: "settings", panel: "sync" } },
  ];
  const required = steps.filter((s) => !s.optional);
  if (required.every((s) => s.done)) return null;
  const doneCount = required.filter((s) => s.done).length;

  return (
    <section className="panel first-steps" aria-labelledby="first-steps-title" data-testid="first-steps">
      <div className="panel-head">
        <h2 id="first-steps-title">{t("firstSteps.title")}</h2>
        <span className="muted small" data-testid="first-steps-progress">{t("firstSteps.progress", { done: doneCount, total: required.length })}</span>
        <button type="button" className="ghost small" onClick={() => { localStorage.setItem(DISMISSED_KEY, "1"); setDismissed(true); }}>
          {t("firstSteps.dismiss")}
        </button>
      </div>
      <p className="muted">{t("firstSteps.intro")}</p>
      <ol className="steps">
        {steps.map((s) => (
          <li key={s.key} className={s.done ? "step done" : "step"} data-testid={`step-${s.key}`} data-done={s.done}>
            <span className="step-mark" aria-hidden="true">{s.done ? "✓" : ""}</span>
            <span className="step-text">
              <strong>{t(`firstSteps.${s.key}` as MessageKey)}</strong>
              {s.optional && <span className="muted small"> ({t("firstSteps.optional")})</span>}
              <span className="muted small">{t(`firstSteps.${s.key}.hint` as MessageKey)}</span>
            </span>
            <span className="sr-only">{s.done ? t("firstSteps.done") : t("firstSteps.todo")}</span>
            <button type="button" className={s.done ? "ghost small" : "primary small"} onClick={() => go(s.target)}>
              {t(`firstSteps.${s.key}.go` as MessageKey)}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
