import { useEffect, useRef, useState, type ChangeEvent } from "react";
import { useApp } from "../../context";
import { useI18n, type MessageKey } from "../../i18n";
import type { CampaignInfo, ContactFilter, Pacing } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { readFile, type Picked } from "../../components/readFile";
import { useSettled } from "../../components/useSettled";
import { useSubmit } from "../../components/useSubmit";
import { formatPhone, formatSize } from "../../format";
import { effectiveFilter } from "../contacts/filter";
import { BUILT_IN_VARIABLES, browserUtcOffset, defaultPacing, firstMessageRivals, insertAt, localDateTimeToMs, partOf } from "./campaign";
import { PacingFields } from "./PacingFields";
import { TestSend } from "./TestSend";

interface Props {
  /** A draft to start (a duplicated campaign): the editor opens with its settings. */
  draft?: CampaignInfo | null;
  onClose: () => void;
  onCreated: (campaign: CampaignInfo) => void;
}

type Mode = "all" | "segment" | "tags";
type TagGroup = "tags_any" | "tags_all" | "tags_none";
const GROUPS: [TagGroup, MessageKey][] = [
  ["tags_any", "campaigns.editor.tagsAny"],
  ["tags_all", "campaigns.editor.tagsAll"],
  ["tags_none", "campaigns.editor.tagsNone"],
];
const PREVIEW_CONTACTS = 20;

type Check = { vars: string[] } | { error: string } | null;

/** Whether a filter asks more than tags (a draft copied from a segment's conditions). */
function hasMoreThanTags(f: ContactFilter): boolean {
  const { tags_any: _a, tags_all: _b, tags_none: _c, opted_out: _d, ...rest } = effectiveFilter(f);
  return Object.keys(rest).length > 0;
}

/**
 * A new campaign, or a draft to start (opened with the draft's settings and
 * file; starting it turns the draft into the campaign, once): name, audience (everyone, a segment or tags) with its live
 * count, the message with variables, live checking and a preview for one of
 * the recipients, the sending numbers, when to start and the pace. Rust
 * checks everything again on create; a refusal shows beside its part.
 */
export function CampaignEditor({ draft = null, onClose, onCreated }: Props) {
  const { t, lang } = useI18n();
  const { account, info } = useApp();
  // A draft's audience is kept as a filter (Rust stored the segment's
  // conditions, not the segment): its tags show as picked, and whatever else
  // it asks is kept and said.
  const draftAudience = draft ? effectiveFilter({ ...draft.audience, opted_out: null }) : null;
  const [name, setName] = useState(draft?.name ?? "");
  const [mode, setMode] = useState<Mode>(draftAudience && Object.keys(draftAudience).length === 0 ? "all" : "tags");
  const [segmentId, setSegmentId] = useState("");
  const [tagFilter, setTagFilter] = useState<ContactFilter>(draftAudience ?? {});
  const [message, setMessage] = useState(draft?.message ?? "");
  const [picked, setPicked] = useState<string[]>(draft?.numbers ?? []);
  const [schedule, setSchedule] = useState<"now" | "later">("now");
  const [date, setDate] = useState("");
  const [time, setTime] = useState("09:00");
  const [pacing, setPacing] = useState<Pacing>(() => draft?.pacing ?? defaultPacing(info.default_pacing, browserUtcOffset()));
  const write = useWrite();
  const segments = useCommand("segmentsList", [account.id]).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const fields = useCommand("fieldsList", [account.id]).data ?? [];
  const numbers = useCommand("numbersList", [account.id]).data ?? null;
  // A reply may start only a published flow (Rust checks it again on create).
  const loadedFlows = useCommand("flowsList", [account.id]).data ?? null;
  const allFlows = loadedFlows ?? [];
  const replyFlows = allFlows.filter((f) => f.published !== null);
  const [replyFlow, setReplyFlow] = useState(draft?.reply_flow_id ?? "");
  const [previewId, setPreviewId] = useState("");
  const [localError, setLocalError] = useState<{ part: "audience" | "schedule"; text: string } | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [media, setMedia] = useState<Picked | null>(null);
  // The draft's file goes with it unless removed or replaced (Rust reads it from the draft).
  const [keepDraftFile, setKeepDraftFile] = useState(draft?.media_name != null);
  const [mediaError, setMediaError] = useState<string | null>(null);

  async function pickMedia(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    setMediaError(null);
    try {
      setMedia(await readFile(file));
    } catch {
      setMediaError(t("campaigns.editor.mediaUnreadable"));
    }
  }

  // Connected numbers (here or on another desktop of the agency) are the
  // usual choice, once, when the numbers arrive; the person may change it.
  const numbersPicked = useRef(draft !== null);
  useEffect(() => {
    if (!numbers || numbersPicked.current) return;
    numbersPicked.current = true;
    setPicked(numbers.filter((n) => n.status.state === "connected" || n.runs_elsewhere).map((n) => n.number.id));
  }, [numbers]);

  // A draft may name numbers removed, or a reply flow unpublished, since it
  // was copied: kept, they would be sent unseen (no checkbox, no option) and
  // refused every time. Once the lists arrive only what still exists stays
  // picked, and the editor says what was taken out.
  const [draftGone, setDraftGone] = useState({ numbers: 0, flow: false });
  useEffect(() => {
    if (!draft || !numbers) return;
    const exist = new Set(numbers.map((n) => n.number.id));
    const gone = picked.filter((id) => !exist.has(id)).length;
    if (gone === 0) return;
    setPicked(picked.filter((id) => exist.has(id)));
    setDraftGone((g) => ({ ...g, numbers: g.numbers + gone }));
  }, [draft, numbers, picked]);
  useEffect(() => {
    if (!draft || !loadedFlows || replyFlow === "") return;
    if (loadedFlows.some((f) => f.id === replyFlow && f.published !== null)) return;
    setReplyFlow("");
    setDraftGone((g) => ({ ...g, flow: true }));
  }, [draft, loadedFlows, replyFlow]);

  const segment = segments.find((s) => s.id === segmentId) ?? null;
  const audience: ContactFilter | null = mode === "all" ? {} : mode === "segment" ? (segment ? effectiveFilter(segment.filter) : null) : effectiveFilter(tagFilter);
  const settledAudience = useSettled(audience);
  const audienceKey = JSON.stringify(settledAudience);

  // The live count and the first recipients (for the preview), opted-out contacts left out as Rust does.
  const wanted = JSON.parse(audienceKey) as ContactFilter | null;
  const asking = wanted !== null && wanted.opted_out !== true;
  const recipients = { ...wanted, opted_out: false };
  const counted = useCommand("contactsCount", [account.id, recipients], { enabled: asking, inline: true, keepPrevious: true });
  const count = !asking ? (wanted === null ? null : 0) : counted.data ?? null;
  const countError = asking && counted.error ? errorText(counted.error) : null;
  const sampled = useCommand("contactsList", [account.id, { filter: recipients, offset: 0, limit: PREVIEW_CONTACTS }], { enabled: asking, inline: true });
  const sample = asking && sampled.data ? sampled.data.items : [];
  const sampleKey = sample.map((c) => c.id).join();
  useEffect(() => {
    const ids = sampleKey ? sampleKey.split(",") : [];
    setPreviewId((current) => (ids.includes(current) ? current : ids[0] ?? ""));
  }, [sampleKey]);

  // The message checked as it is typed: its variables, or why Rust refuses it.
  const settledMessage = useSettled(message);
  const checking = settledMessage.trim() !== "";
  const checked = useCommand("campaignsCheckMessage", [account.id, settledMessage], { enabled: checking, inline: true, keepPrevious: true });
  const check: Check = !checking ? null
    : checked.error ? { error: errorText(checked.error) }
    : checked.data ? { vars: checked.data } : null;

  const checkedOk = check !== null && "vars" in check;
  const previewing = checkedOk && previewId !== "" && checking;
  const previewed = useCommand("campaignsPreview", [account.id, settledMessage, previewId], { enabled: previewing, inline: true, keepPrevious: true });
  const preview = previewing && !previewed.error ? previewed.data ?? null : null;

  const { submit, error, busy } = useSubmit(async () => {
    setLocalError(null);
    if (audience === null) {
      setLocalError({ part: "audience", text: t("campaigns.editor.segmentPick") });
      return;
    }
    let startsAt: number | null = null;
    if (schedule === "later") {
      startsAt = localDateTimeToMs(date, time);
      if (startsAt === null) {
        setLocalError({ part: "schedule", text: t("campaigns.editor.scheduleInvalid") });
        return;
      }
    }
    const attachment = media ? { name: media.name, mime: media.mime, data: media.data } : null;
    const input = { name, message, audience, numbers: picked, pacing, starts_at: startsAt, attachment, reply_flow: replyFlow || null };
    const created = draft
      ? await write("campaignsStartDraft", account.id, draft.id, input, keepDraftFile && media === null)
      : await write("campaignsCreate", account.id, input);
    onCreated(created);
  });

  const errorFor = (part: ReturnType<typeof partOf>) => {
    if (localError?.part === part) return localError.text;
    if (part === "audience" && countError) return countError;
    return error && partOf(error.code) === part ? error.message : null;
  };
  // Once the message is checked live, that check is what is shown under it.
  const messageError = check !== null ? ("error" in check ? check.error : null) : errorFor("message");

  function insert(variable: string) {
    const el = textarea.current;
    const start = el?.selectionStart ?? message.length;
    const end = el?.selectionEnd ?? message.length;
    const next = insertAt(message, start, end, `{{${variable}}}`);
    setMessage(next.value);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.cursor, next.cursor);
    });
  }

  function toggleTag(group: TagGroup, id: string) {
    const list = tagFilter[group] ?? [];
    const next = { ...tagFilter, [group]: list.includes(id) ? list.filter((x) => x !== id) : [...list, id] };
    // A tag is in one group only: picking it in one takes it out of the others.
    if (!list.includes(id)) for (const [g] of GROUPS) if (g !== group) next[g] = (next[g] ?? []).filter((x) => x !== id);
    setTagFilter(next);
  }

  const countText = count === null ? "" : count === 1 ? t("campaigns.editor.recipientsOne") : t("campaigns.editor.recipients", { count: count.toLocaleString(lang) });
  const audienceError = errorFor("audience");
  const numbersError = errorFor("numbers");
  const scheduleError = errorFor("schedule");
  const formError = errorFor("form");
  const replyFlowError = errorFor("reply_flow");
  const shownMediaError = mediaError ?? errorFor("media");

  return (
    <Modal title={draft ? t("campaigns.editor.draftTitle") : t("campaigns.editor.title")} onClose={onClose} className="wide campaign-editor">
      <form className="form" onSubmit={submit} noValidate>
        <Field id="campaign-name" label={t("campaigns.editor.name")} hint={t("campaigns.editor.nameHint")} error={errorFor("name")}>
          {(id, desc) => <input id={id} aria-describedby={desc} autoFocus maxLength={info.limits.campaign_name} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>

        <fieldset className={audienceError ? "editor-section invalid" : "editor-section"}>
          <legend>{t("campaigns.editor.audience")}</legend>
          <div className="radio-row">
            {(["all", "segment", "tags"] as Mode[]).map((m) => (
              <label key={m} className="check">
                <input type="radio" name="audience-mode" checked={mode === m} onChange={() => setMode(m)} />
                {t(`campaigns.editor.audience.${m}`)}
              </label>
            ))}
          </div>
          {mode === "segment" && (segments.length === 0
            ? <p className="muted small">{t("campaigns.editor.noSegments")}</p>
            : (
              <select aria-label={t("campaigns.editor.segment")} value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
                <option value="">{t("campaigns.editor.segmentPick")}</option>
                {segments.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
              </select>
            ))}
          {mode === "tags" && tags.length === 0 && <p className="muted small">{t("campaigns.editor.noTags")}</p>}
          {mode === "tags" && tags.length > 0 && GROUPS.map(([group, label]) => (
            <div key={group} className="tag-group" role="group" aria-label={t(label)}>
              <span className="group-label">{t(label)}</span>
              <div className="tag-list">
                {tags.map((tag) => {
                  const on = (tagFilter[group] ?? []).includes(tag.id);
                  return (
                    <button key={tag.id} type="button" className={on ? "tag-toggle on" : "tag-toggle"} aria-pressed={on}
                      style={on ? { background: tag.color, borderColor: tag.color } : { borderColor: tag.color, color: tag.color }}
                      onClick={() => toggleTag(group, tag.id)}>
                      {tag.name}
                    </button>
                  );
                })}
              </div>
            </div>
          ))}
          {mode === "tags" && hasMoreThanTags(tagFilter) && <p className="muted small" data-testid="draft-conditions">{t("campaigns.editor.draftConditions")}</p>}
          <p className="recipients">
            <strong data-testid="recipient-count" aria-live="polite">{countText}</strong>
            <span className="muted small"> {t("campaigns.editor.optedOutNote")}</span>
          </p>
          {audienceError && <p className="field-error" role="alert">{audienceError}</p>}
        </fieldset>

        <Field id="campaign-message" label={t("campaigns.message")} hint={check !== null && "vars" in check && check.vars.length ? t("campaigns.editor.uses", { vars: check.vars.map((v) => `{{${v}}}`).join(", ") }) : t("campaigns.editor.messageHint")} error={messageError}>
          {(id, desc) => (
            <>
              <div className="var-buttons" role="group" aria-label={t("campaigns.editor.insert")}>
                {[...BUILT_IN_VARIABLES, ...fields.map((f) => f.key)].map((key) => (
                  <button key={key} type="button" className="ghost small" onClick={() => insert(key)}>{`{{${key}}}`}</button>
                ))}
              </div>
              <textarea id={id} ref={textarea} aria-describedby={desc} rows={5} value={message} onChange={(e) => setMessage(e.target.value)} />
            </>
          )}
        </Field>
        <div className={shownMediaError ? "editor-section media invalid" : "editor-section media"} role="group" aria-label={t("campaigns.editor.mediaLabel")}>
          {media === null && keepDraftFile && draft?.media_name
            ? (
              <p className="media-picked" data-testid="campaign-media">
                <strong>{draft.media_name}</strong> {draft.media_size !== null && <span className="muted small">{formatSize(draft.media_size, lang)}</span>}{" "}
                <button type="button" className="ghost small" onClick={() => setKeepDraftFile(false)}>{t("campaigns.editor.mediaRemove")}</button>
              </p>
            )
            : media === null
            ? <button type="button" className="ghost small" onClick={() => fileInput.current?.click()}>{t("campaigns.editor.media")}</button>
            : (
              <p className="media-picked" data-testid="campaign-media">
                <strong>{media.name}</strong> <span className="muted small">{formatSize(media.size, lang)}</span>{" "}
                <button type="button" className="ghost small" onClick={() => { setMedia(null); setMediaError(null); }}>{t("campaigns.editor.mediaRemove")}</button>
              </p>
            )}
          <input ref={fileInput} type="file" hidden data-testid="campaign-file" onChange={(e) => void pickMedia(e)} />
          {shownMediaError
            ? <p className="field-error" role="alert">{shownMediaError}</p>
            : <p className="field-hint">{t("campaigns.editor.mediaHint")}</p>}
        </div>

        <section className="editor-section preview" aria-label={t("campaigns.editor.preview")}>
          <div className="preview-head">
            <h3>{t("campaigns.editor.preview")}</h3>
            {sample.length > 0 && (
              <select aria-label={t("campaigns.editor.previewFor")} value={previewId} onChange={(e) => setPreviewId(e.target.value)}>
                {sample.map((c) => <option key={c.id} value={c.id}>{c.name ?? formatPhone(c.phone)}</option>)}
              </select>
            )}
          </div>
          {sample.length === 0 && count !== null && <p className="muted small">{t("campaigns.editor.previewNoContacts")}</p>}
          {sample.length > 0 && preview === null && <p className="muted small">{t("campaigns.editor.previewEmpty")}</p>}
          {preview !== null && <div className="bubble" data-testid="campaign-preview">{preview}</div>}
        </section>

        <TestSend message={message} numbers={numbers} previewId={previewId} />

        <fieldset className={numbersError ? "editor-section invalid" : "editor-section"}>
          <legend>{t("campaigns.numbers")}</legend>
          {numbers?.length === 0 && <p className="muted small">{t("campaigns.editor.noNumbers")}</p>}
          {numbers?.map(({ number, status, runs_elsewhere }) => {
            // A number another desktop runs sends from there.
            const elsewhere = Boolean(runs_elsewhere) && status.state !== "connected";
            const offline = status.state !== "connected" && !elsewhere;
            return (
              <label key={number.id} className={offline ? "check number-option offline" : "check number-option"}>
                <input type="checkbox" checked={picked.includes(number.id)}
                  onChange={(e) => setPicked(e.target.checked ? [...picked, number.id] : picked.filter((x) => x !== number.id))} />
                <span>{number.name}</span>
                {elsewhere
                  ? <span className="pill elsewhere" title={t("numbers.runsElsewhere", { name: runs_elsewhere ?? "" })}>{t("numbers.status.elsewhere")}</span>
                  : <span className={`pill ${status.state}`}>{t(`numbers.status.${status.state}`)}</span>}
                {offline && <span className="muted small">({t("campaigns.editor.offline")})</span>}
              </label>
            );
          })}
          {draftGone.numbers > 0 && (
            <p className="notice small" role="note" data-testid="draft-numbers-gone">
              {t(draftGone.numbers === 1 ? "campaigns.editor.draftNumbersGoneOne" : "campaigns.editor.draftNumbersGone", { count: draftGone.numbers })}
            </p>
          )}
          {numbersError
            ? <p className="field-error" role="alert">{numbersError}</p>
            : <p className="field-hint">{t("campaigns.editor.numbersHint")}</p>}
        </fieldset>

        <fieldset className={scheduleError ? "editor-section invalid" : "editor-section"}>
          <legend>{t("campaigns.editor.schedule")}</legend>
          <div className="radio-row">
            <label className="check">
              <input type="radio" name="schedule" checked={schedule === "now"} onChange={() => setSchedule("now")} />
              {t("campaigns.editor.now")}
            </label>
            <label className="check">
              <input type="radio" name="schedule" checked={schedule === "later"} onChange={() => setSchedule("later")} />
              {t("campaigns.editor.later")}
            </label>
            {schedule === "later" && (
              <>
                <input type="date" aria-label={t("campaigns.editor.date")} value={date} onChange={(e) => setDate(e.target.value)} />
                <input type="time" aria-label={t("campaigns.editor.time")} value={time} onChange={(e) => setTime(e.target.value)} />
              </>
            )}
          </div>
          {scheduleError
            ? <p className="field-error" role="alert">{scheduleError}</p>
            : schedule === "now" && <p className="field-hint">{t("campaigns.editor.nowHint")}</p>}
        </fieldset>

        <PacingFields pacing={pacing} onChange={setPacing} error={errorFor("pacing")} />

        <Field id="campaign-reply-flow" label={t("campaigns.editor.replyFlow")} error={replyFlowError}
          hint={replyFlows.length === 0 ? t("campaigns.editor.replyFlowNone") : t("campaigns.editor.replyFlowHint")}>
          {(id, desc) => (
            <select id={id} aria-describedby={desc} value={replyFlow} onChange={(e) => setReplyFlow(e.target.value)}>
              <option value="">{t("campaigns.editor.replyFlowNo")}</option>
              {replyFlows.map((f) => (
                <option key={f.id} value={f.id}>{f.enabled ? f.name : t("campaigns.editor.replyFlowOff", { name: f.name })}</option>
              ))}
            </select>
          )}
        </Field>
        {draftGone.flow && <p className="notice small" role="note" data-testid="draft-flow-gone">{t("campaigns.editor.draftFlowGone")}</p>}
        {firstMessageRivals(allFlows, picked, replyFlow || null).map((name) => (
          <p key={name} className="notice small" role="note" data-testid="reply-flow-rival">{t("campaigns.editor.replyFlowRival", { name })}</p>
        ))}

        {formError && <p className="form-error" role="alert">{formError}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{draft ? t("campaigns.editor.startDraft") : t("campaigns.editor.create")}</button>
        </div>
      </form>
    </Modal>
  );
}
