// The side panel's fields for each block type: every field of the engine's
// node, edited in place. Texts are checked by Rust on the next save (the
// campaign editor's variables and spintax rules, unknown fields and tags)
// and its findings are shown under the block (NodeEditor).
import { useState, type ReactNode } from "react";
import type {
  AnswerKind, AutomationFile, CustomField, FlowSummary, Method, NodeKind, Operator, Rule, Subject, Tag, User,
} from "../../../ipc/call";
import { useI18n, type MessageKey } from "../../../i18n";
import { ChipsInput } from "../../../components/ChipsInput";
import { CountInput } from "../../../components/CountInput";
import { DurationInput } from "../../../components/DurationInput";

export interface Lookups {
  fields: CustomField[];
  tags: Tag[];
  flows: FlowSummary[];
  users: User[];
  files: AutomationFile[];
  /** The flow being edited (a flow does not go to itself). */
  flowId: string;
  upload: (file: File) => Promise<string | null>;
}

interface Props<K extends NodeKind> {
  node: K & { id: string };
  set: (kind: NodeKind, field: string) => void;
  lookups: Lookups;
  readOnly: boolean;
}

/** A labelled control with an id made from the block's. */
function Row({ id, label, hint, children }: { id: string; label: string; hint?: string; children: (id: string) => ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint && <p className="field-hint">{hint}</p>}
    </div>
  );
}

const ANSWERS: AnswerKind[] = ["text", "number", "email", "phone", "date", "cpf_cnpj", "yes_no"];
const OPERATORS: Operator[] = ["equals", "not_equals", "contains", "starts_with", "greater", "less", "is_set", "is_empty", "matches"];
const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const SUBJECTS: Subject["kind"][] = ["field", "tag", "last_reply", "time_of_day", "weekday", "business_hours"];
// "Inside business hours" is open or closed: two of the operators, named so.
const OPEN_OPERATORS: Operator[] = ["is_set", "is_empty"];

/** A short random-free id for a menu option or a split: the first letter not taken. */
function nextLetter(taken: string[]): string {
  for (const c of "abcdefghijklmnopqrstuvwxyz") if (!taken.includes(c)) return c;
  return `x${taken.length}`;
}

export function NodeFields({ node, set, lookups, readOnly }: Props<NodeKind>) {
  const { t } = useI18n();
  const id = (what: string) => `node-${node.id}-${what}`;
  const kind = (k: NodeKind) => k;
  const fieldSelect = (value: string | null, onPick: (key: string | null) => void, what: string, allowNone: boolean) => (
    <select id={id(what)} value={value ?? ""} disabled={readOnly} onChange={(e) => onPick(e.target.value || null)}>
      {allowNone ? <option value="">{t("canvas.edit.noField")}</option> : <option value="">{t("canvas.edit.pickField")}</option>}
      {lookups.fields.map((f) => <option key={f.key} value={f.key}>{f.label} ({`{{${f.key}}}`})</option>)}
      {value && !lookups.fields.some((f) => f.key === value) && <option value={value}>{value} — {t("canvas.edit.fieldGone")}</option>}
    </select>
  );

  switch (node.type) {
    case "send": {
      const content = node.content;
      return (
        <>
          <div className="field" role="radiogroup" aria-label={t("canvas.edit.contentKind")}>
            <label className="check"><input type="radio" name={id("kind")} disabled={readOnly} checked={content.kind === "text"}
              onChange={() => set(kind({ ...node, content: { kind: "text", text: content.kind === "file" ? content.caption : "" } }), "kind")} />{t("canvas.edit.text")}</label>
            <label className="check"><input type="radio" name={id("kind")} disabled={readOnly} checked={content.kind === "file"}
              onChange={() => set(kind({ ...node, content: { kind: "file", file: "", caption: content.kind === "text" ? content.text : "" } }), "kind")} />{t("canvas.edit.file")}</label>
          </div>
          {content.kind === "text" ? (
            <Row id={id("text")} label={t("canvas.edit.message")} hint={t("canvas.edit.variablesHint")}>
              {(fid) => <textarea id={fid} rows={5} readOnly={readOnly} value={content.text}
                onChange={(e) => set({ ...node, content: { kind: "text", text: e.target.value } }, "text")} />}
            </Row>
          ) : (
            <>
              <FilePick value={content.file} lookups={lookups} readOnly={readOnly} id={id("file")}
                onPick={(file) => set({ ...node, content: { ...content, file } }, "file")} />
              <Row id={id("caption")} label={t("canvas.edit.caption")} hint={t("canvas.edit.variablesHint")}>
                {(fid) => <textarea id={fid} rows={3} readOnly={readOnly} value={content.caption}
                  onChange={(e) => set({ ...node, content: { ...content, caption: e.target.value } }, "caption")} />}
              </Row>
            </>
          )}
          <Row id={id("typing")} label={t("canvas.edit.typing")} hint={t("canvas.edit.typingHint")}>
            {(fid) => <CountInput id={fid} value={Math.round(node.typing_ms / 100) / 10}
              onChange={(s) => set({ ...node, typing_ms: Math.min(30_000, Math.round(s * 1000)) }, "typing")} />}
          </Row>
        </>
      );
    }
    case "menu":
      return (
        <>
          <Row id={id("question")} label={t("canvas.edit.question")} hint={t("canvas.edit.menuHint")}>
            {(fid) => <textarea id={fid} rows={3} readOnly={readOnly} value={node.question}
              onChange={(e) => set({ ...node, question: e.target.value }, "question")} />}
          </Row>
          <fieldset className="options" disabled={readOnly}>
            <legend>{t("canvas.edit.options")}</legend>
            {node.options.map((o, i) => (
              <div key={o.id} className="option-row" data-testid="menu-option">
                <span className="muted">{i + 1}.</span>
                <input aria-label={t("canvas.edit.optionLabel", { n: i + 1 })} value={o.label}
                  onChange={(e) => set({ ...node, options: node.options.map((x) => (x.id === o.id ? { ...x, label: e.target.value } : x)) }, `option-${o.id}`)} />
                <SynonymsInput id={id(`syn-${o.id}`)} values={o.synonyms} n={i + 1}
                  onChange={(synonyms) => set({ ...node, options: node.options.map((x) => (x.id === o.id ? { ...x, synonyms } : x)) }, `syn-${o.id}`)} />
                <button type="button" className="ghost small" aria-label={t("canvas.edit.optionRemove", { n: i + 1 })}
                  onClick={() => set({ ...node, options: node.options.filter((x) => x.id !== o.id) }, "options")}>×</button>
              </div>
            ))}
            <button type="button" className="ghost small" disabled={node.options.length >= 20}
              onClick={() => set({ ...node, options: [...node.options, { id: nextLetter(node.options.map((x) => x.id)), label: "", synonyms: [] }] }, "options")}>
              {t("canvas.edit.optionAdd")}
            </button>
          </fieldset>
          <Row id={id("retry")} label={t("canvas.edit.retry")}>
            {(fid) => <input id={fid} readOnly={readOnly} value={node.retry} onChange={(e) => set({ ...node, retry: e.target.value }, "retry")} />}
          </Row>
          <Row id={id("tries")} label={t("canvas.edit.tries")} hint={t("canvas.edit.triesHint")}>
            {(fid) => <CountInput id={fid} value={node.tries} onChange={(n) => set({ ...node, tries: Math.min(10, n) }, "tries")} />}
          </Row>
        </>
      );
    case "ask":
      return (
        <>
          <Row id={id("question")} label={t("canvas.edit.question")} hint={t("canvas.edit.variablesHint")}>
            {(fid) => <textarea id={fid} rows={3} readOnly={readOnly} value={node.question}
              onChange={(e) => set({ ...node, question: e.target.value }, "question")} />}
          </Row>
          <Row id={id("answer")} label={t("canvas.edit.answer")}>
            {(fid) => (
              <select id={fid} value={node.answer} disabled={readOnly} onChange={(e) => set({ ...node, answer: e.target.value as AnswerKind }, "answer")}>
                {ANSWERS.map((a) => <option key={a} value={a}>{t(`canvas.answer.${a}` as MessageKey)}</option>)}
              </select>
            )}
          </Row>
          <Row id={id("field")} label={t("canvas.edit.saveTo")}>
            {() => fieldSelect(node.field, (field) => set({ ...node, field }, "field"), "field", true)}
          </Row>
          <Row id={id("retry")} label={t("canvas.edit.retry")}>
            {(fid) => <input id={fid} readOnly={readOnly} value={node.retry} onChange={(e) => set({ ...node, retry: e.target.value }, "retry")} />}
          </Row>
          <Row id={id("tries")} label={t("canvas.edit.tries")} hint={t("canvas.edit.askTriesHint")}>
            {(fid) => <CountInput id={fid} value={node.tries} onChange={(n) => set({ ...node, tries: Math.min(10, n) }, "tries")} />}
          </Row>
          <label className="check">
            <input type="checkbox" disabled={readOnly} checked={node.timeout_minutes !== null}
              onChange={(e) => set({ ...node, timeout_minutes: e.target.checked ? 60 : null }, "timeout-on")} />
            {t("canvas.edit.timeoutOn")}
          </label>
          {node.timeout_minutes !== null && (
            <DurationInput id={id("timeout")} label={t("canvas.edit.timeout")} minutes={node.timeout_minutes}
              onChange={(m) => set({ ...node, timeout_minutes: m }, "timeout")} />
          )}
        </>
      );
    case "condition":
      return (
        <>
          <Row id={id("combine")} label={t("canvas.edit.combine")}>
            {(fid) => (
              <select id={fid} value={node.combine} disabled={readOnly} onChange={(e) => set({ ...node, combine: e.target.value as "all" | "any" }, "combine")}>
                <option value="all">{t("canvas.edit.combineAll")}</option>
                <option value="any">{t("canvas.edit.combineAny")}</option>
              </select>
            )}
          </Row>
          <fieldset className="rules" disabled={readOnly}>
            <legend>{t("canvas.edit.rules")}</legend>
            {node.rules.map((r, i) => (
              <RuleRow key={i} rule={r} n={i + 1} lookups={lookups}
                onChange={(rule) => set({ ...node, rules: node.rules.map((x, j) => (j === i ? rule : x)) }, `rule-${i}`)}
                onRemove={() => set({ ...node, rules: node.rules.filter((_, j) => j !== i) }, "rules")} />
            ))}
            <button type="button" className="ghost small"
              onClick={() => set({ ...node, rules: [...node.rules, { subject: { kind: "last_reply" }, operator: "contains", value: "" }] }, "rules")}>
              {t("canvas.edit.ruleAdd")}
            </button>
          </fieldset>
        </>
      );
    case "tags":
      return (
        <>
          <TagsPick id={id("add")} label={t("canvas.edit.tagsAdd")} values={node.add} tags={lookups.tags} readOnly={readOnly}
            onChange={(add) => set({ ...node, add }, "add")} />
          <TagsPick id={id("remove")} label={t("canvas.edit.tagsRemove")} values={node.remove} tags={lookups.tags} readOnly={readOnly}
            onChange={(remove) => set({ ...node, remove }, "remove")} />
        </>
      );
    case "set_field":
      return (
        <>
          <Row id={id("field")} label={t("canvas.edit.field")}>
            {() => fieldSelect(node.field || null, (field) => set({ ...node, field: field ?? "" }, "field"), "field", false)}
          </Row>
          <Row id={id("value")} label={t("canvas.edit.value")} hint={t("canvas.edit.variablesHint")}>
            {(fid) => <input id={fid} readOnly={readOnly} value={node.value} onChange={(e) => set({ ...node, value: e.target.value }, "value")} />}
          </Row>
        </>
      );
    case "delay":
      return (
        <>
          <DurationInput id={id("minutes")} label={t("canvas.edit.wait")} minutes={node.minutes}
            onChange={(minutes) => set({ ...node, minutes }, "minutes")} />
          <label className="check">
            <input type="checkbox" disabled={readOnly} checked={node.window !== null}
              onChange={(e) => set({ ...node, window: e.target.checked ? { from: "08:00", to: "18:00", weekdays: [1, 2, 3, 4, 5] } : null }, "window-on")} />
            {t("canvas.edit.windowOn")}
          </label>
          {node.window && (
            <div className="window-row">
              <input aria-label={t("canvas.edit.windowFrom")} type="time" readOnly={readOnly} value={node.window.from}
                onChange={(e) => node.window && set({ ...node, window: { ...node.window, from: e.target.value } }, "window-from")} />
              <input aria-label={t("canvas.edit.windowTo")} type="time" readOnly={readOnly} value={node.window.to}
                onChange={(e) => node.window && set({ ...node, window: { ...node.window, to: e.target.value } }, "window-to")} />
              <div className="weekdays" role="group" aria-label={t("canvas.edit.weekdays")}>
                {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                  <label key={d} className="check">
                    <input type="checkbox" disabled={readOnly} checked={node.window?.weekdays.includes(d) ?? false}
                      onChange={(e) => node.window && set({ ...node, window: { ...node.window, weekdays: e.target.checked ? [...node.window.weekdays, d].sort() : node.window.weekdays.filter((x) => x !== d) } }, "weekdays")} />
                    {t(`canvas.weekday.${d}` as MessageKey)}
                  </label>
                ))}
              </div>
            </div>
          )}
        </>
      );
    case "http":
      return (
        <>
          <div className="http-row">
            <select aria-label={t("canvas.edit.method")} value={node.method} disabled={readOnly}
              onChange={(e) => set({ ...node, method: e.target.value as Method }, "method")}>
              {METHODS.map((m) => <option key={m}>{m}</option>)}
            </select>
            <input aria-label={t("canvas.edit.url")} placeholder="https://" readOnly={readOnly} value={node.url}
              onChange={(e) => set({ ...node, url: e.target.value }, "url")} />
          </div>
          <p className="field-hint">{t("canvas.edit.urlHint")}</p>
          <PairsEditor label={t("canvas.edit.headers")} pairs={node.headers.map((h) => [h.name, h.value])} readOnly={readOnly}
            names={[t("canvas.edit.headerName"), t("canvas.edit.headerValue")]}
            onChange={(pairs) => set({ ...node, headers: pairs.map(([name, value]) => ({ name, value })) }, "headers")} />
          {node.method !== "GET" && (
            <Row id={id("body")} label={t("canvas.edit.body")} hint={t("canvas.edit.bodyHint")}>
              {(fid) => <textarea id={fid} className="mono" rows={4} readOnly={readOnly} value={node.body ?? ""}
                onChange={(e) => set({ ...node, body: e.target.value === "" ? null : e.target.value }, "body")} />}
            </Row>
          )}
          <Row id={id("timeout")} label={t("canvas.edit.httpTimeout")}>
            {(fid) => <CountInput id={fid} value={node.timeout_ms / 1000}
              onChange={(s) => set({ ...node, timeout_ms: Math.max(1, Math.min(30, s)) * 1000 }, "http-timeout")} />}
          </Row>
          <PairsEditor label={t("canvas.edit.save")} pairs={node.save.map((m) => [m.pointer, m.field])} readOnly={readOnly}
            names={[t("canvas.edit.pointer"), t("canvas.edit.intoField")]}
            onChange={(pairs) => set({ ...node, save: pairs.map(([pointer, field]) => ({ pointer, field })) }, "save")} />
        </>
      );
    case "ai":
      return (
        <>
          <Row id={id("instructions")} label={t("canvas.edit.instructions")} hint={t("canvas.edit.aiHint")}>
            {(fid) => <textarea id={fid} rows={5} readOnly={readOnly} value={node.instructions}
              onChange={(e) => set({ ...node, instructions: e.target.value }, "instructions")} />}
          </Row>
          <Row id={id("max")} label={t("canvas.edit.maxChars")}>
            {(fid) => <CountInput id={fid} value={node.max_chars} onChange={(n) => set({ ...node, max_chars: Math.min(4000, n) }, "max")} />}
          </Row>
        </>
      );
    case "randomizer":
      return (
        <fieldset className="options" disabled={readOnly}>
          <legend>{t("canvas.edit.splits")}</legend>
          {node.splits.map((s, i) => (
            <div key={s.id} className="option-row">
              <span className="muted">{t("canvas.edit.split", { n: i + 1 })}</span>
              <CountInput label={t("canvas.edit.splitPercent", { n: i + 1 })} value={s.percent}
                onChange={(p) => set({ ...node, splits: node.splits.map((x) => (x.id === s.id ? { ...x, percent: Math.min(100, p) } : x)) }, `split-${s.id}`)} />
              <span>%</span>
              <button type="button" className="ghost small" aria-label={t("canvas.edit.splitRemove", { n: i + 1 })}
                onClick={() => set({ ...node, splits: node.splits.filter((x) => x.id !== s.id) }, "splits")}>×</button>
            </div>
          ))}
          <button type="button" className="ghost small" disabled={node.splits.length >= 10}
            onClick={() => set({ ...node, splits: [...node.splits, { id: nextLetter(node.splits.map((x) => x.id)), percent: 0 }] }, "splits")}>
            {t("canvas.edit.splitAdd")}
          </button>
        </fieldset>
      );
    case "go_to_flow":
      return (
        <Row id={id("flow")} label={t("canvas.edit.goTo")} hint={t("canvas.edit.goToHint")}>
          {(fid) => (
            <select id={fid} value={node.flow} disabled={readOnly} onChange={(e) => set({ ...node, flow: e.target.value }, "flow")}>
              <option value="">{t("canvas.edit.pickFlow")}</option>
              {lookups.flows.filter((f) => f.id !== lookups.flowId).map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
            </select>
          )}
        </Row>
      );
    case "handoff":
      return (
        <>
          <Row id={id("assign")} label={t("canvas.edit.assign")}>
            {(fid) => (
              <select id={fid} value={node.assign ?? ""} disabled={readOnly} onChange={(e) => set({ ...node, assign: e.target.value || null }, "assign")}>
                <option value="">{t("canvas.edit.assignNobody")}</option>
                {lookups.users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              </select>
            )}
          </Row>
          <Row id={id("note")} label={t("canvas.edit.note")} hint={t("canvas.edit.noteHint")}>
            {(fid) => <textarea id={fid} rows={3} readOnly={readOnly} value={node.note} onChange={(e) => set({ ...node, note: e.target.value }, "note")} />}
          </Row>
        </>
      );
    case "end":
      return <p className="field-hint">{t("canvas.edit.endHint")}</p>;
  }
}

function SynonymsInput({ id, values, n, onChange }: { id: string; values: string[]; n: number; onChange: (v: string[]) => void }) {
  const { t } = useI18n();
  const [pending, setPending] = useState("");
  return (
    <ChipsInput id={id} values={values} onChange={onChange} pending={pending} onPending={setPending}
      placeholder={t("canvas.edit.synonyms", { n })} removeLabel={(v) => t("chips.remove", { value: v })} />
  );
}

function TagsPick({ id, label, values, tags, readOnly, onChange }: {
  id: string; label: string; values: string[]; tags: Tag[]; readOnly: boolean; onChange: (v: string[]) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="chips-input">
        {values.map((v) => (
          <span key={v} className="chip" data-testid="chip">{v}
            {!readOnly && <button type="button" aria-label={t("chips.remove", { value: v })} onClick={() => onChange(values.filter((x) => x !== v))}>×</button>}
          </span>
        ))}
        <select id={id} value="" disabled={readOnly} onChange={(e) => e.target.value && onChange([...values, e.target.value])}>
          <option value="">{t("canvas.edit.pickTag")}</option>
          {tags.filter((x) => !values.includes(x.name)).map((x) => <option key={x.id} value={x.name}>{x.name}</option>)}
        </select>
      </div>
    </div>
  );
}

function RuleRow({ rule, n, lookups, onChange, onRemove }: {
  rule: Rule; n: number; lookups: Lookups; onChange: (r: Rule) => void; onRemove: () => void;
}) {
  const { t } = useI18n();
  const key = rule.subject.kind === "field" || rule.subject.kind === "tag" ? rule.subject.key : "";
  const subjectOf = (kind: Subject["kind"], k: string): Subject =>
    kind === "field" || kind === "tag" ? { kind, key: k } : ({ kind } as Subject);
  return (
    <div className="rule-row" data-testid="condition-rule">
      <select aria-label={t("canvas.edit.ruleSubject", { n })} value={rule.subject.kind}
        onChange={(e) => {
          const kind = e.target.value as Subject["kind"];
          const operator = kind === "business_hours" && !OPEN_OPERATORS.includes(rule.operator) ? "is_set" : rule.operator;
          // Open or closed has no value to compare with.
          const value = kind === "business_hours" ? "" : rule.value;
          onChange({ ...rule, operator, value, subject: subjectOf(kind, "") });
        }}>
        {SUBJECTS.map((s) => <option key={s} value={s}>{t(`canvas.subject.${s}` as MessageKey)}</option>)}
      </select>
      {rule.subject.kind === "field" && (
        <select aria-label={t("canvas.edit.ruleField", { n })} value={key} onChange={(e) => onChange({ ...rule, subject: subjectOf("field", e.target.value) })}>
          <option value="">{t("canvas.edit.pickField")}</option>
          {lookups.fields.map((f) => <option key={f.key} value={f.key}>{f.label}</option>)}
        </select>
      )}
      {rule.subject.kind === "tag" && (
        <select aria-label={t("canvas.edit.ruleTag", { n })} value={key} onChange={(e) => onChange({ ...rule, subject: subjectOf("tag", e.target.value) })}>
          <option value="">{t("canvas.edit.pickTag")}</option>
          {lookups.tags.map((x) => <option key={x.id} value={x.name}>{x.name}</option>)}
        </select>
      )}
      <select aria-label={t("canvas.edit.ruleOperator", { n })} value={rule.operator} onChange={(e) => onChange({ ...rule, operator: e.target.value as Operator })}>
        {rule.subject.kind === "business_hours"
          ? OPEN_OPERATORS.map((o) => <option key={o} value={o}>{t(o === "is_set" ? "canvas.operator.open" : "canvas.operator.closed")}</option>)
          : OPERATORS.map((o) => <option key={o} value={o}>{t(`canvas.operator.${o}` as MessageKey)}</option>)}
      </select>
      {rule.operator !== "is_set" && rule.operator !== "is_empty" && (
        <input aria-label={t("canvas.edit.ruleValue", { n })} value={rule.value} onChange={(e) => onChange({ ...rule, value: e.target.value })} />
      )}
      <button type="button" className="ghost small" aria-label={t("canvas.edit.ruleRemove", { n })} onClick={onRemove}>×</button>
    </div>
  );
}

function PairsEditor({ label, pairs, names, readOnly, onChange }: {
  label: string; pairs: [string, string][]; names: [string, string]; readOnly: boolean; onChange: (p: [string, string][]) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="pairs" disabled={readOnly}>
      <legend>{label}</legend>
      {pairs.map(([a, b], i) => (
        <div key={i} className="pair-row">
          <input aria-label={`${names[0]} ${i + 1}`} value={a} onChange={(e) => onChange(pairs.map((p, j) => (j === i ? [e.target.value, p[1]] : p)))} />
          <input aria-label={`${names[1]} ${i + 1}`} value={b} onChange={(e) => onChange(pairs.map((p, j) => (j === i ? [p[0], e.target.value] : p)))} />
          <button type="button" className="ghost small" aria-label={t("canvas.edit.pairRemove", { n: i + 1 })} onClick={() => onChange(pairs.filter((_, j) => j !== i))}>×</button>
        </div>
      ))}
      <button type="button" className="ghost small" onClick={() => onChange([...pairs, ["", ""]])}>{t("canvas.edit.pairAdd")}</button>
    </fieldset>
  );
}

function FilePick({ id, value, lookups, readOnly, onPick }: {
  id: string; value: string; lookups: Lookups; readOnly: boolean; onPick: (file: string) => void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{t("canvas.edit.filePick")}</label>
      <select id={id} value={value} disabled={readOnly} onChange={(e) => onPick(e.target.value)}>
        <option value="">{t("keywords.replyFileNone")}</option>
        {lookups.files.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
      </select>
      {!readOnly && (
        <label className="ghost small button-like">
          {busy ? t("keywords.uploading") : t("keywords.upload")}
          <input type="file" hidden data-testid="node-file" onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (!file) return;
            setBusy(true);
            void lookups.upload(file).then((stored) => { if (stored) onPick(stored); }).finally(() => setBusy(false));
          }} />
        </label>
      )}
    </div>
  );
}
