import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Flow, Trigger } from "../../ipc/call";
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

/** What starts the flow besides a keyword, a campaign reply and a person: a first message, a message nothing answers (at most every N hours), a tag added. */
export function FlowTriggersDialog({ flow, onClose }: { flow: Flow; onClose: () => void }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const [form, setForm] = useState<Form>(() => triggersForm(flow.triggers));
  const { submit, error, busy } = useSubmit(async () => {
    await write("flowsSetTriggers", account.id, flow.id, formTriggers(form));
    toast(t("flows.triggers.saved"));
    onClose();
  });
  const hoursError = error?.code === "flow_trigger_invalid" ? error.message : null;
  const otherError = error && !hoursError ? error.message : null;

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
