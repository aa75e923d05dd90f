import { useRef, useState, type ChangeEvent } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Actions, Keyword, KeywordInput, KeywordPart, MatchKind } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { ChipsInput } from "../../components/ChipsInput";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CountInput } from "../../components/CountInput";
import { DurationInput } from "../../components/DurationInput";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { readFile } from "../../components/readFile";
import { useSettled } from "../../components/useSettled";
import { useSubmit } from "../../components/useSubmit";
import { formatSize } from "../../format";
import { BUILT_IN_VARIABLES, insertAt } from "../campaigns/campaign";
import { emptyKeyword, keywordInput, MATCH_KINDS, wordsWithPending } from "./summary";

interface Props {
  keyword: Keyword | null;
  onClose: () => void;
  onSaved: (keyword: Keyword) => void;
}

type After = "nothing" | "flow" | "handoff";

/**
 * Create or edit a keyword. As the person types, `keywords_check` (debounced)
 * lists every problem — each under its part once that part has been touched
 * or a save tried — and every conflict with another enabled keyword of the
 * same priority; saving is refused while a conflict is shown. Escape or a
 * click beside the dialog asks before dropping what was typed. Keywords
 * carry no revision: an edit compares the list's row (its `updated_at`) with
 * the one it opened, says when another desktop saved it meanwhile, and saves
 * over it only when asked again.
 */
export function KeywordDialog({ keyword, onClose, onSaved }: Props) {
  const { t, lang } = useI18n();
  const { account, info } = useApp();
  const write = useWrite();
  const [opened] = useState<KeywordInput>(() => (keyword ? keywordInput(keyword) : emptyKeyword()));
  const [input, setInput] = useState<KeywordInput>(opened);
  const [dismissing, setDismissing] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const [pending, setPending] = useState("");
  const [touched, setTouched] = useState<ReadonlySet<KeywordPart>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const fields = useCommand("fieldsList", [account.id]).data ?? [];
  const flows = useCommand("flowsList", [account.id]).data ?? [];
  const users = useCommand("usersList", []).data ?? [];
  const files = useCommand("automationFilesList", [account.id]).data ?? [];
  // The keyword as the list has it now: saved on another desktop since this dialog opened?
  const listed = useCommand("keywordsList", [account.id], { enabled: keyword !== null }).data ?? null;
  const now = keyword && listed ? listed.find((k) => k.id === keyword.id) ?? null : null;
  const changedElsewhere = keyword !== null && now !== null && now.updated_at !== keyword.updated_at;

  // What is typed in the words box but not yet a chip is a word too.
  const full: KeywordInput = { ...input, words: wordsWithPending(input.words, pending) };
  const dirty = JSON.stringify(full) !== JSON.stringify(opened);
  // Escape and a click beside the dialog ask first when something was typed.
  const dismiss = () => (dirty ? setDismissing(true) : onClose());
  const settled = useSettled(full);
  const check = useCommand("keywordsCheck", [account.id, settled, keyword?.id ?? null], { inline: true, keepPrevious: true });
  const problems = check.data?.problems ?? [];
  const conflicts = full.enabled ? check.data?.conflicts ?? [] : [];

  const touch = (...parts: KeywordPart[]) => setTouched((s) => new Set([...s, ...parts]));
  const change = (patch: Partial<KeywordInput>, ...parts: KeywordPart[]) => {
    setInput((i) => ({ ...i, ...patch }));
    touch(...parts);
  };
  const act = (patch: Partial<Actions>, ...parts: KeywordPart[]) => {
    setInput((i) => ({ ...i, actions: { ...i.actions, ...patch } }));
    touch("actions", ...parts);
  };
  const problemAt = (part: KeywordPart): string | null => {
    if (!attempted && !touched.has(part)) return null;
    const list = problems.filter((p) => p.part === part).map((p) => p.message);
    return list.length ? list.join(" ") : null;
  };

  const { submit, error, busy } = useSubmit(async () => {
    setAttempted(true);
    // Saved elsewhere meanwhile: the first click says so; the second saves over it.
    if (changedElsewhere && !overwrite) {
      setOverwrite(true);
      return;
    }
    const saved = keyword
      ? await write("keywordsUpdate", account.id, keyword.id, full)
      : await write("keywordsCreate", account.id, full);
    onSaved(saved);
  });
  // A refusal the live check already shows under its part is not said twice.
  const formError = error && error.code !== "keyword_conflict" && !problems.some((p) => p.code === error.code) ? error.message : null;
  const conflictRefusal = error?.code === "keyword_conflict" && conflicts.length === 0 ? error.message : null;
  const checkError = check.error ? errorText(check.error) : null;

  const after: After = input.actions.start_flow !== null ? "flow" : input.actions.handoff !== null ? "handoff" : "nothing";
  const published = flows.filter((f) => f.published !== null);
  const reply = input.actions.reply;

  function insert(variable: string) {
    if (reply?.kind !== "text") return;
    const el = textarea.current;
    const next = insertAt(reply.text, el?.selectionStart ?? reply.text.length, el?.selectionEnd ?? reply.text.length, `{{${variable}}}`);
    act({ reply: { kind: "text", text: next.value } }, "reply");
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.cursor, next.cursor);
    });
  }

  async function upload(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    setUploadError(null);
    setUploading(true);
    try {
      const picked = await readFile(file);
      const stored = await write("automationFilesUpload", account.id, { name: picked.name, mime: picked.mime, data: picked.data });
      act({ reply: { kind: "file", file: stored.id, caption: reply?.kind === "file" ? reply.caption : "" } }, "reply");
    } catch (err) {
      setUploadError(errorText(err));
    } finally {
      setUploading(false);
    }
  }

  function toggleTag(list: "add_tags" | "remove_tags", name: string) {
    const other = list === "add_tags" ? "remove_tags" : "add_tags";
    const on = input.actions[list].includes(name);
    act({
      [list]: on ? input.actions[list].filter((x) => x !== name) : [...input.actions[list], name],
      // A tag is added or taken off, not both.
      [other]: input.actions[other].filter((x) => x !== name),
    }, "tags");
  }

  const chosenNumbers = input.numbers.length > 0;
  const currentFile = reply?.kind === "file" ? files.find((f) => f.id === reply.file) ?? null : null;

  return (
    <>
    <Modal title={t(keyword ? "keywords.edit" : "keywords.new")} onClose={dismiss} className="wide keyword-editor">
      <form className="form" onSubmit={submit} noValidate>
        <Field id="keyword-name" label={t("keywords.name")} hint={t("keywords.nameHint")} error={problemAt("name")}>
          {(id, desc) => <input id={id} aria-describedby={desc} autoFocus maxLength={80} value={input.name} onChange={(e) => change({ name: e.target.value }, "name")} />}
        </Field>

        <fieldset className="editor-section">
          <legend>{t("keywords.matchKind")}</legend>
          <div className="radio-row">
            {MATCH_KINDS.map((k) => (
              <label key={k} className="check">
                <input type="radio" name="match-kind" checked={input.match_kind === k} onChange={() => change({ match_kind: k as MatchKind }, "words")} />
                {t(`keywords.kind.${k}`)}
              </label>
            ))}
          </div>
          <p className="field-hint">{t(`keywords.kindHint.${input.match_kind}`)}</p>
        </fieldset>

        <Field id="keyword-words" label={t("keywords.words")} hint={t(input.match_kind === "regex" ? "keywords.wordsHintRegex" : "keywords.wordsHint")} error={problemAt("words")}>
          {(id, desc) => (
            <ChipsInput id={id} describedBy={desc} values={input.words} pending={pending} commas={input.match_kind !== "regex"}
              onChange={(words) => change({ words }, "words")} onPending={(p) => { setPending(p); if (p.trim()) touch("words"); }}
              placeholder={t("keywords.wordsPlaceholder")} removeLabel={(w) => t("chips.remove", { value: w })} />
          )}
        </Field>

        <fieldset className={problemAt("numbers") ? "editor-section invalid" : "editor-section"}>
          <legend>{t("keywords.numbers")}</legend>
          <div className="radio-row">
            <label className="check">
              <input type="radio" name="keyword-numbers" checked={!chosenNumbers} onChange={() => change({ numbers: [] }, "numbers")} />
              {t("automation.numbers.all")}
            </label>
            <label className="check">
              <input type="radio" name="keyword-numbers" checked={chosenNumbers} disabled={numbers.length === 0}
                onChange={() => change({ numbers: numbers.slice(0, 1).map((n) => n.number.id) }, "numbers")} />
              {t("automation.numbers.chosen")}
            </label>
          </div>
          {chosenNumbers && numbers.map(({ number }) => (
            <label key={number.id} className="check number-option">
              <input type="checkbox" checked={input.numbers.includes(number.id)}
                onChange={(e) => change({ numbers: e.target.checked ? [...input.numbers, number.id] : input.numbers.filter((x) => x !== number.id) }, "numbers")} />
              {number.name}
            </label>
          ))}
          {problemAt("numbers") && <p className="field-error" role="alert">{problemAt("numbers")}</p>}
        </fieldset>

        <div className="row2">
          <Field id="keyword-priority" label={t("keywords.priority")} hint={t("keywords.priorityHint")}>
            {(id, desc) => <CountInput id={id} describedBy={desc} value={input.priority} onChange={(priority) => change({ priority })} />}
          </Field>
          <Field id="keyword-cooldown" label={t("keywords.cooldown")} hint={t("keywords.cooldownHint")}>
            {(id, desc) => <DurationInput id={id} describedBy={desc} label={t("keywords.cooldown")} minutes={input.cooldown_minutes} onChange={(m) => change({ cooldown_minutes: m })} />}
          </Field>
        </div>

        <label className="check strong">
          <input type="checkbox" checked={input.enabled} onChange={(e) => change({ enabled: e.target.checked })} />
          {t("keywords.enabled")}
        </label>

        <fieldset className={problemAt("actions") ? "editor-section invalid" : "editor-section"} aria-label={t("keywords.actions")}>
          <legend>{t("keywords.actions")}</legend>
          {problemAt("actions") && <p className="field-error" role="alert">{problemAt("actions")}</p>}

          <div className={problemAt("reply") ? "action invalid" : "action"} role="group" aria-label={t("keywords.reply")}>
            <label className="check strong">
              <input type="checkbox" checked={reply !== null}
                onChange={(e) => act({ reply: e.target.checked ? { kind: "text", text: "" } : null }, "reply")} />
              {t("keywords.reply")}
            </label>
            {reply !== null && (
              <>
                <div className="radio-row">
                  <label className="check">
                    <input type="radio" name="reply-kind" checked={reply.kind === "text"} onChange={() => act({ reply: { kind: "text", text: "" } }, "reply")} />
                    {t("keywords.replyText")}
                  </label>
                  <label className="check">
                    <input type="radio" name="reply-kind" checked={reply.kind === "file"}
                      onChange={() => act({ reply: { kind: "file", file: "", caption: "" } }, "reply")} />
                    {t("keywords.replyFile")}
                  </label>
                </div>
                {reply.kind === "text" && (
                  <>
                    <div className="var-buttons" role="group" aria-label={t("campaigns.editor.insert")}>
                      {[...BUILT_IN_VARIABLES, ...fields.map((f) => f.key)].map((key) => (
                        <button key={key} type="button" className="ghost small" onClick={() => insert(key)}>{`{{${key}}}`}</button>
                      ))}
                    </div>
                    <textarea ref={textarea} aria-label={t("keywords.replyTextLabel")} rows={4} maxLength={info.limits.message_text}
                      value={reply.text} onChange={(e) => act({ reply: { kind: "text", text: e.target.value } }, "reply")} />
                    <p className="field-hint">{t("keywords.replyHint")}</p>
                  </>
                )}
                {reply.kind === "file" && (
                  <>
                    <div className="media-picked">
                      {files.length > 0 && (
                        <select aria-label={t("keywords.replyFilePick")} value={reply.file}
                          onChange={(e) => act({ reply: { ...reply, file: e.target.value } }, "reply")}>
                          <option value="">{t("keywords.replyFileNone")}</option>
                          {files.map((f) => <option key={f.id} value={f.id}>{f.name} ({formatSize(f.size, lang)})</option>)}
                        </select>
                      )}
                      <button type="button" className="ghost small" disabled={uploading} onClick={() => fileInput.current?.click()}>
                        {uploading ? t("keywords.uploading") : t("keywords.upload")}
                      </button>
                      <input ref={fileInput} type="file" hidden data-testid="keyword-file" onChange={(e) => void upload(e)} />
                    </div>
                    {currentFile && <p className="field-hint" data-testid="keyword-file-chosen">{t("keywords.fileChosen", { name: currentFile.name })}</p>}
                    <textarea aria-label={t("keywords.caption")} placeholder={t("keywords.caption")} rows={2} value={reply.caption}
                      onChange={(e) => act({ reply: { ...reply, caption: e.target.value } }, "reply")} />
                  </>
                )}
                {(uploadError ?? problemAt("reply")) && <p className="field-error" role="alert">{uploadError ?? problemAt("reply")}</p>}
              </>
            )}
          </div>

          <div className={problemAt("tags") ? "action invalid" : "action"} role="group" aria-label={t("keywords.tags")}>
            <span className="strong">{t("keywords.tags")}</span>
            {tags.length === 0 && <p className="muted small">{t("keywords.noTags")}</p>}
            {tags.length > 0 && (["add_tags", "remove_tags"] as const).map((list) => (
              <div key={list} className="tag-group" role="group" aria-label={t(list === "add_tags" ? "keywords.addTags" : "keywords.removeTags")}>
                <span className="group-label">{t(list === "add_tags" ? "keywords.addTags" : "keywords.removeTags")}</span>
                <div className="tag-list">
                  {tags.map((tag) => {
                    const on = input.actions[list].some((n) => n.toLowerCase() === tag.name.toLowerCase());
                    return (
                      <button key={tag.id} type="button" className={on ? "tag-toggle on" : "tag-toggle"} aria-pressed={on}
                        style={on ? { background: tag.color, borderColor: tag.color } : { borderColor: tag.color, color: tag.color }}
                        onClick={() => toggleTag(list, tag.name)}>
                        {tag.name}
                      </button>
                    );
                  })}
                </div>
              </div>
            ))}
            {problemAt("tags") && <p className="field-error" role="alert">{problemAt("tags")}</p>}
          </div>

          <div className={problemAt("field") ? "action invalid" : "action"} role="group" aria-label={t("keywords.setField")}>
            <label className="check strong">
              <input type="checkbox" checked={input.actions.set_field !== null} disabled={fields.length === 0}
                onChange={(e) => act({ set_field: e.target.checked ? { field: fields[0]?.key ?? "", value: "" } : null }, "field")} />
              {t("keywords.setField")}
            </label>
            {fields.length === 0 && <p className="muted small">{t("keywords.noFields")}</p>}
            {input.actions.set_field && (
              <div className="inline-form left">
                <select aria-label={t("keywords.field")} value={input.actions.set_field.field}
                  onChange={(e) => act({ set_field: { field: e.target.value, value: input.actions.set_field?.value ?? "" } }, "field")}>
                  {fields.map((f) => <option key={f.id} value={f.key}>{f.label}</option>)}
                </select>
                <input className="grow" aria-label={t("keywords.fieldValue")} placeholder={t("keywords.fieldValue")} value={input.actions.set_field.value}
                  onChange={(e) => act({ set_field: { field: input.actions.set_field?.field ?? "", value: e.target.value } }, "field")} />
              </div>
            )}
            {problemAt("field") && <p className="field-error" role="alert">{problemAt("field")}</p>}
          </div>

          <div className="action" role="group" aria-label={t("keywords.after")}>
            <span className="strong">{t("keywords.after")}</span>
            <div className="radio-row">
              <label className="check">
                <input type="radio" name="keyword-after" checked={after === "nothing"} onChange={() => act({ start_flow: null, handoff: null }, "flow", "handoff")} />
                {t("keywords.afterNothing")}
              </label>
              <label className="check">
                <input type="radio" name="keyword-after" checked={after === "flow"} disabled={published.length === 0}
                  onChange={() => act({ start_flow: published[0]?.id ?? null, handoff: null }, "flow", "handoff")} />
                {t("keywords.afterFlow")}
              </label>
              <label className="check">
                <input type="radio" name="keyword-after" checked={after === "handoff"}
                  onChange={() => act({ start_flow: null, handoff: { assign: null, note: "" } }, "flow", "handoff")} />
                {t("keywords.afterHandoff")}
              </label>
            </div>
            {published.length === 0 && <p className="muted small">{t("keywords.noPublishedFlows")}</p>}
            {after === "flow" && (
              <select aria-label={t("keywords.flow")} value={input.actions.start_flow ?? ""} onChange={(e) => act({ start_flow: e.target.value || null }, "flow")}>
                {input.actions.start_flow && !published.some((f) => f.id === input.actions.start_flow) && (
                  <option value={input.actions.start_flow}>{t("keywords.flowNotPublished")}</option>
                )}
                {published.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
              </select>
            )}
            {problemAt("flow") && <p className="field-error" role="alert">{problemAt("flow")}</p>}
            {input.actions.handoff && (
              <div className="handoff">
                <select aria-label={t("keywords.assign")} value={input.actions.handoff.assign ?? ""}
                  onChange={(e) => act({ handoff: { note: input.actions.handoff?.note ?? "", assign: e.target.value || null } }, "handoff")}>
                  <option value="">{t("keywords.assignNobody")}</option>
                  {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
                </select>
                <textarea aria-label={t("keywords.note")} placeholder={t("keywords.notePlaceholder")} rows={2} value={input.actions.handoff.note}
                  onChange={(e) => act({ handoff: { assign: input.actions.handoff?.assign ?? null, note: e.target.value } }, "handoff")} />
              </div>
            )}
            {problemAt("handoff") && <p className="field-error" role="alert">{problemAt("handoff")}</p>}
          </div>
        </fieldset>

        {conflicts.length > 0 && (
          <div className="conflicts" role="alert" data-testid="keyword-conflicts">
            <strong>{t("keywords.conflictsTitle")}</strong>
            <ul>
              {conflicts.map((c) => (
                <li key={c.other} data-testid="keyword-conflict">{t("keywords.conflict", { example: c.example, name: c.other_name })}</li>
              ))}
            </ul>
            <p className="small">{t("keywords.conflictsHint")}</p>
          </div>
        )}
        {conflictRefusal && <p className="form-error" role="alert">{conflictRefusal}</p>}
        {changedElsewhere && (
          <p className="notice small" role="alert" data-testid="keyword-elsewhere">
            {t(overwrite ? "keywords.elsewhereConfirm" : "keywords.elsewhere")}
          </p>
        )}
        {(formError ?? checkError) && <p className="form-error" role="alert">{formError ?? checkError}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy || conflicts.length > 0}
            title={conflicts.length > 0 ? t("keywords.conflictsBlock") : undefined}>
            {changedElsewhere && overwrite ? t("keywords.saveAnyway") : t(keyword ? "common.save" : "common.create")}
          </button>
        </div>
      </form>
    </Modal>
    {dismissing && (
      <ConfirmDialog title={t("unsaved.title")} confirmLabel={t("unsaved.leave")} danger
        onClose={() => setDismissing(false)} onConfirm={async () => onClose()}>
        <p>{t("keywords.dismissConfirm")}</p>
      </ConfirmDialog>
    )}
    </>
  );
}
