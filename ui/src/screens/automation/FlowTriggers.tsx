import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Flow, FlowSummary, Trigger } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { CountInput } from "../../components/CountInput";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";

/** The triggers form: each kind once, its numbers empty for "all". */
interface Form {
  firstMessage: { on: boolean; numbers: string[] };
  noMatch: { on: boolean; hours: number; numbers: string[] };
  tags: string[];
}

export function triggersForm(triggers: readonly Trigger[]): Form {
  const first = triggers.find((x) => x.on === "first_message");
  const none = triggers.find((x) => x.on === "no_match");
  return {
    firstMessage: { on: !!first, numbers: first?.on === "first_message" ? [...first.numbers] : [] },
    noMatch: { on: !!none, hours: none?.on === "no_match" ? none.hours : 24, numbers: none?.on === "no_match" ? [...none.numbers] : [] },
    tags: triggers.flatMap((x) => (x.on === "tag_added" ? [x.tag] : [])),
  };
}

export function formTriggers(form: Form): Trigger[] {
  const out: Trigger[] = [];
  if (form.firstMessage.on) out.push({ on: "first_message", numbers: form.firstMessage.numbers });
  if (form.noMatch.on) out.push({ on: "no_match", hours: form.noMatch.hours, numbers: form.noMatch.numbers });
  for (const tag of form.tags) out.push({ on: "tag_added", tag });
  return out;
}

/**
 * The other enabled flows that already start on the same kind of message
 * (first message, or no match) on a number `numbers` share (empty: every
 * number) — what Rust refuses (flows.rs `no_overlap`) while `flow` is on.
 */
export function overlapping(flows: readonly FlowSummary[], flow: Pick<Flow, "id" | "enabled">, on: "first_message" | "no_match", numbers: readonly string[]): string[] {
  if (!flow.enabled) return [];
  return flows
    .filter((f) => f.id !== flow.id && f.enabled)
    .filter((f) => f.triggers.some((tr) => tr.on === on && (tr.numbers.length === 0 || numbers.length === 0 || tr.numbers.some((n) => numbers.includes(n)))))
    .map((f) => f.name);
}

/** What starts the flow besides a keyword, a campaign reply and an operator: a first message, a message nothing answers (at most every N hours), a tag added. */
export function FlowTriggersDialog({ flow, onClose }: { flow: Flow; onClose: () => void }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const flows = useCommand("flowsList", [account.id]).data ?? [];
  const [form, setForm] = useState<Form>(() => triggersForm(flow.triggers));
  // Computed as the form changes, from the list: a clash is named before
  // saving (Rust still decides: a save it refuses for the same clash is not said twice).
  const firstClash = form.firstMessage.on ? overlapping(flows, flow, "first_message", form.firstMessage.numbers) : [];
  const noMatchClash = form.noMatch.on ? overlapping(flows, flow, "no_match", form.noMatch.numbers) : [];
  const clash = firstClash.length > 0 || noMatchClash.length > 0;
  const { submit, error, busy } = useSubmit(async () => {
    await write("flowsSetTriggers", account.id, flow.id, formTriggers(form));
    toast(t("flows.triggers.saved"));
    onClose();
  });
  const hoursError = error?.code === "flow_trigger_invalid" ? error.message : null;
  // A clash named above is not said twice.
  const otherError = error && !hoursError && !(error.code === "flow_trigger_conflict" && clash) ? error.message : null;
  const clashText = (names: string[], key: "flows.triggers.clashFirst" | "flows.triggers.clashNoMatch") => names.map((name) => (
    <p key={name} className="field-error" role="alert" data-testid="trigger-clash">{t(key, { name })}</p>
  ));

  const numbersPicker = (name: string, chosen: string[], set: (numbers: string[]) => void) => (
    <div className="trigger-numbers">
      <div className="radio-row">
        <label className="check">
          <input type="radio" name={name} checked={chosen.length === 0} onChange={() => set([])} />
          {t("automation.numbers.all")}
        </label>
        <label className="check">
          <input type="radio" name={name} checked={chosen.length > 0} disabled={numbers.length === 0}
            onChange={() => set(numbers.slice(0, 1).map((n) => n.number.id))} />
          {t("automation.numbers.chosen")}
        </label>
      </div>
      {chosen.length > 0 && numbers.map(({ number }) => (
        <label key={number.id} className="check number-option">
          <input type="checkbox" checked={chosen.includes(number.id)}
            onChange={(e) => set(e.target.checked ? [...chosen, number.id] : chosen.filter((x) => x !== number.id))} />
          {number.name}
        </label>
      ))}
    </div>
  );

  return (
    <Modal title={t("flows.triggers.title", { name: flow.name })} onClose={onClose} className="wide">
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">{t("flows.triggers.hint")}</p>
        <fieldset className="editor-section" aria-label={t("flows.triggers.firstMessage")}>
          <label className="check strong">
            <input type="checkbox" checked={form.firstMessage.on} onChange={(e) => setForm({ ...form, firstMessage: { ...form.firstMessage, on: e.target.checked } })} />
            {t("flows.triggers.firstMessage")}
          </label>
          <p className="field-hint">{t("flows.triggers.firstMessageHint")}</p>
          {form.firstMessage.on && numbersPicker("first-numbers", form.firstMessage.numbers, (n) => setForm({ ...form, firstMessage: { ...form.firstMessage, numbers: n } }))}
          {clashText(firstClash, "flows.triggers.clashFirst")}
        </fieldset>
        <fieldset className={hoursError ? "editor-section invalid" : "editor-section"} aria-label={t("flows.triggers.noMatch")}>
          <label className="check strong">
            <input type="checkbox" checked={form.noMatch.on} onChange={(e) => setForm({ ...form, noMatch: { ...form.noMatch, on: e.target.checked } })} />
            {t("flows.triggers.noMatch")}
          </label>
          <p className="field-hint">{t("flows.triggers.noMatchHint")}</p>
          {form.noMatch.on && (
            <>
              <label className="stack">
                {t("flows.triggers.hours")}
                <CountInput value={form.noMatch.hours} onChange={(hours) => setForm({ ...form, noMatch: { ...form.noMatch, hours } })} />
              </label>
              {hoursError && <p className="field-error" role="alert">{hoursError}</p>}
              {numbersPicker("nomatch-numbers", form.noMatch.numbers, (n) => setForm({ ...form, noMatch: { ...form.noMatch, numbers: n } }))}
              {clashText(noMatchClash, "flows.triggers.clashNoMatch")}
            </>
          )}
        </fieldset>
        <fieldset className="editor-section" aria-label={t("flows.triggers.tagAdded")}>
          <span className="strong">{t("flows.triggers.tagAdded")}</span>
          <p className="field-hint">{t("flows.triggers.tagAddedHint")}</p>
          {tags.length === 0 && <p className="muted small">{t("keywords.noTags")}</p>}
          <div className="tag-list">
            {tags.map((tag) => {
              const on = form.tags.includes(tag.id);
              return (
                <button key={tag.id} type="button" className={on ? "tag-toggle on" : "tag-toggle"} aria-pressed={on}
                  style={on ? { background: tag.color, borderColor: tag.color } : { borderColor: tag.color, color: tag.color }}
                  onClick={() => setForm({ ...form, tags: on ? form.tags.filter((x) => x !== tag.id) : [...form.tags, tag.id] })}>
                  {tag.name}
                </button>
              );
            })}
          </div>
        </fieldset>
        {otherError && <p className="form-error" role="alert">{otherError}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
        </div>
      </form>
    </Modal>
  );
}
