import { useState } from "react";
import { useApp } from "../../context";
import { useI18n, type Translate } from "../../i18n";
import type { Explanation, KeywordMatch, NumberView } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand } from "../../data/commands";
import { useSettled } from "../../components/useSettled";

/** Why a matching keyword fires or not, in words. */
export function outcomeText(t: Translate, m: KeywordMatch): string {
  switch (m.outcome.kind) {
    case "fires": return t("test.outcome.fires");
    case "handoff_first": return t("test.outcome.handoffFirst");
    case "off": return t("test.outcome.off");
    case "not_on_this_number": return t("test.outcome.notOnThisNumber");
    case "lower_priority": return t("test.outcome.lowerPriority", { winner: m.outcome.winner_name });
    case "older_wins": return t("test.outcome.olderWins", { winner: m.outcome.winner_name });
  }
}

/** The verdict's lines: what answers, and why. */
export function verdictLines(t: Translate, e: Explanation): string[] {
  const v = e.verdict;
  switch (v.kind) {
    case "handoff": return [t("test.verdict.handoff", { word: v.word })];
    case "keyword": return [t("test.verdict.keyword", { name: v.name, word: v.word, priority: v.priority })];
    case "nothing": return [t("test.verdict.nothing")];
    case "flows": {
      const lines = [t("test.verdict.noKeyword")];
      if (v.first_message) lines.push(t("test.verdict.firstMessage", { name: v.first_message.name }));
      if (v.no_match) lines.push(t("test.verdict.noMatch", { name: v.no_match.name, hours: v.no_match.hours ?? 0 }));
      return lines;
    }
  }
}

/**
 * "Testar uma mensagem": what the bot would do with a text on a number (or
 * any), asked of `keywords_explain` as it is typed — what fires and why, and
 * every other keyword that matched with why it lost.
 */
export function TestMessage({ numbers }: { numbers: NumberView[] }) {
  const { t } = useI18n();
  const { account } = useApp();
  const [text, setText] = useState("");
  const [number, setNumber] = useState("");
  const asked = useSettled({ text, number });
  const asking = asked.text.trim() !== "";
  const explained = useCommand("keywordsExplain", [account.id, asked.number || null, asked.text], { enabled: asking, inline: true, keepPrevious: true });
  const e = asking && !explained.error ? explained.data ?? null : null;

  return (
    <section className="panel test-message" aria-label={t("test.title")}>
      <h2>{t("test.title")}</h2>
      <p className="muted small">{t("test.hint")}</p>
      <div className="inline-form left">
        <select aria-label={t("test.number")} value={number} onChange={(ev) => setNumber(ev.target.value)}>
          <option value="">{t("test.anyNumber")}</option>
          {numbers.map((n) => <option key={n.number.id} value={n.number.id}>{n.number.name}</option>)}
        </select>
        <input className="grow" aria-label={t("test.text")} placeholder={t("test.placeholder")} value={text} onChange={(ev) => setText(ev.target.value)} />
      </div>
      {asking && explained.error && <p className="form-error" role="alert">{errorText(explained.error)}</p>}
      {e && (
        <div className="explanation" data-testid="explanation" aria-live="polite">
          {e.automation_off && <p className="notice small">{t("test.automationOff")}</p>}
          <div data-testid="verdict">{verdictLines(t, e).map((line) => <p key={line} className="verdict">{line}</p>)}</div>
          {e.keywords.length > 0 && (
            <>
              <h3>{t("test.matched")}</h3>
              <ul className="plain matches">
                {e.keywords.map((m) => (
                  <li key={m.id} data-testid="match" className={m.outcome.kind === "fires" ? "fires" : ""}>
                    <strong>{m.name}</strong>{" "}
                    <span className="muted">{t("test.matchWord", { word: m.word, priority: m.priority })}</span>{" "}
                    — {outcomeText(t, m)}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p className="muted small">{t("test.limits")}</p>
        </div>
      )}
    </section>
  );
}
