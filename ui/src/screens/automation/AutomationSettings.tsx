import { useEffect, useMemo, useState } from "react";
import { createPortal } from "react-dom";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { AutomationSettings } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ChipsInput } from "../../components/ChipsInput";
import { DurationInput } from "../../components/DurationInput";
import { Field } from "../../components/Field";
import { useSubmit } from "../../components/useSubmit";
import { useUnsaved } from "../../components/unsaved";
import { wordsWithPending } from "./summary";
import { addressKind, browserZones, refusedPart, timeIn, timeZones, type SettingsPart } from "./settingsForm";

const same = (a: AutomationSettings, b: AutomationSettings) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The account's bot: on/off, the time zone its conditions and waits read,
 * the words that hand a chat to an attendant and the reply they get, how
 * long a question waits, private addresses for HTTP blocks and the AI, the
 * AI endpoint. Saved whole; a refusal lands under the field it concerns.
 * The form edits a copy of the stored settings: another desktop's save
 * replaces it while nothing here is changed, and is announced while
 * something is ("Descartar alterações" then shows it).
 */
export function AutomationSettingsPanel() {
  const { t, lang } = useI18n();
  const { account, info, toast } = useApp();
  const write = useWrite();
  const stored = useCommand("automationSettingsGet", [account.id]).data ?? null;
  // `seen`: the stored settings the form started from.
  const [seen, setSeen] = useState<AutomationSettings | null>(null);
  const [form, setForm] = useState<AutomationSettings | null>(null);
  const [pendingWord, setPendingWord] = useState("");
  const dirty = form !== null && seen !== null && (!same(form, seen) || pendingWord.trim() !== "");
  useEffect(() => {
    if (!stored || dirty || (seen && same(stored, seen))) return;
    setSeen(stored);
    setForm(stored);
  }, [stored, dirty]); // eslint-disable-line react-hooks/exhaustive-deps
  /** Saved elsewhere while this form has changes. */
  const elsewhere = dirty && stored !== null && seen !== null && !same(stored, seen);
  useUnsaved(dirty, t("automation.settings.unsaved"));
  const numbers = useCommand("numbersList", [account.id]).data ?? [];

  const known = useMemo(() => browserZones(), []);
  const zones = useMemo(() => timeZones(known), [known]);
  const { submit, error, busy } = useSubmit(async () => {
    if (!form) return;
    const saved = await write("automationSettingsSave", account.id, { ...form, handoff_words: wordsWithPending(form.handoff_words, pendingWord) });
    setPendingWord("");
    setSeen(saved);
    setForm(saved);
    toast(t("automation.settings.saved"));
  });

  if (!form) return <p className="muted">{t("app.loading")}</p>;
  const set = (patch: Partial<AutomationSettings>) => setForm({ ...form, ...patch });
  const part: SettingsPart | null = error
    ? error.code === "automation_settings_invalid" ? refusedPart({ ...form, handoff_words: wordsWithPending(form.handoff_words, pendingWord) }, known, info.limits.message_text) : "form"
    : null;
  const errorAt = (p: SettingsPart) => (part === p ? error?.message ?? null : null);
  const now = timeIn(form.time_zone, new Date(), lang);
  const aiAddress = form.ai_base_url ? addressKind(form.ai_base_url) : null;
  const aiAddressNote = aiAddress === "link_local"
    ? t("automation.settings.aiLinkLocal")
    : aiAddress === "private" && !form.allow_private_http ? t("automation.settings.aiPrivateOff") : null;
  // Who else runs this account's numbers: each of them keeps its own AI key.
  const elsewhereRuns = new Map<string, string[]>();
  for (const n of numbers) {
    if (n.runs_elsewhere) elsewhereRuns.set(n.runs_elsewhere, [...(elsewhereRuns.get(n.runs_elsewhere) ?? []), n.number.name]);
  }

  return (
    <form className="form panel automation-settings" onSubmit={submit} noValidate aria-label={t("automation.tab.settings")}>
      {elsewhere && <p className="notice" role="alert" data-testid="settings-elsewhere">{t("automation.settings.elsewhere")}</p>}
      <label className="check strong">
        <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        {t("automation.settings.enabled")}
      </label>
      <p className="field-hint">{t("automation.settings.enabledHint")}</p>

      <Field id="automation-tz" label={t("automation.settings.timeZone")} error={errorAt("time_zone")}
        hint={now ? t("automation.settings.timeZoneNow", { time: now }) : t("automation.settings.timeZoneHint")}>
        {(id, desc) => (
          <>
            <input id={id} aria-describedby={desc} list="automation-tz-list" value={form.time_zone} autoComplete="off" spellCheck={false}
              onChange={(e) => set({ time_zone: e.target.value })} />
            <datalist id="automation-tz-list">
              {zones.map((z) => <option key={z.zone} value={z.zone}>{z.places ?? ""}</option>)}
            </datalist>
          </>
        )}
      </Field>

      <Field id="automation-handoff-words" label={t("automation.settings.handoffWords")} hint={t("automation.settings.handoffWordsHint")} error={errorAt("handoff_words")}>
        {(id, desc) => (
          <ChipsInput id={id} describedBy={desc} values={form.handoff_words} onChange={(handoff_words) => set({ handoff_words })}
            pending={pendingWord} onPending={setPendingWord} placeholder={t("automation.settings.handoffWordsPlaceholder")}
            removeLabel={(w) => t("chips.remove", { value: w })} />
        )}
      </Field>

      <Field id="automation-handoff-reply" label={t("automation.settings.handoffReply")} hint={t("automation.settings.handoffReplyHint")} error={errorAt("handoff_reply")}>
        {(id, desc) => <textarea id={id} aria-describedby={desc} rows={2} value={form.handoff_reply} onChange={(e) => set({ handoff_reply: e.target.value })} />}
      </Field>

      <Field id="automation-expiry" label={t("automation.settings.expiry")} hint={t("automation.settings.expiryHint")} error={errorAt("expiry")}>
        {(id, desc) => <DurationInput id={id} describedBy={desc} label={t("automation.settings.expiry")} minutes={form.session_expiry_minutes} onChange={(m) => set({ session_expiry_minutes: m })} />}
      </Field>

      <div className="field">
        <label className="check">
          <input type="checkbox" checked={form.allow_private_http} onChange={(e) => set({ allow_private_http: e.target.checked })} />
          {t("automation.settings.privateHttp")}
        </label>
        {form.allow_private_http
          ? <p className="notice small" role="note" data-testid="private-http-warning">{t("automation.settings.privateHttpWarning")}</p>
          : <p className="field-hint">{t("automation.settings.privateHttpHint")}</p>}
      </div>

      <fieldset className="editor-section">
        <legend>{t("automation.settings.ai")}</legend>
        <p className="field-hint">{t("automation.settings.aiHint")}</p>
        <Field id="automation-ai-url" label={t("automation.settings.aiUrl")} hint={t("automation.settings.aiUrlHint")} error={errorAt("ai_base_url")}>
          {(id, desc) => (
            <>
              <input id={id} aria-describedby={aiAddressNote ? `${desc ?? ""} ${id}-address`.trim() : desc} inputMode="url" spellCheck={false} placeholder="https://api.openai.com/v1"
                value={form.ai_base_url ?? ""} onChange={(e) => set({ ai_base_url: e.target.value || null })} />
              {aiAddressNote && <p id={`${id}-address`} className="notice small" role="note" data-testid="ai-address-note">{aiAddressNote}</p>}
            </>
          )}
        </Field>
        <Field id="automation-ai-model" label={t("automation.settings.aiModel")} hint={t("automation.settings.aiModelHint")} error={errorAt("ai_model")}>
          {(id, desc) => (
            <input id={id} aria-describedby={desc} spellCheck={false} placeholder="gpt-4o-mini"
              value={form.ai_model ?? ""} onChange={(e) => set({ ai_model: e.target.value || null })} />
          )}
        </Field>
        <AiKeyField />
        {elsewhereRuns.size > 0 && (
          <ul className="plain notice small" data-testid="ai-key-elsewhere">
            {[...elsewhereRuns].map(([who, names]) => (
              <li key={who}>{t("automation.settings.aiKeyElsewhere", { numbers: names.join(", "), who })}</li>
            ))}
          </ul>
        )}
        <Field id="automation-ai-instructions" label={t("automation.settings.aiInstructions")} hint={t("automation.settings.aiInstructionsHint")}>
          {(id, desc) => <textarea id={id} aria-describedby={desc} rows={4} value={form.ai_instructions} onChange={(e) => set({ ai_instructions: e.target.value })} />}
        </Field>
      </fieldset>

      {part === "form" && <p className="form-error" role="alert">{error?.message}</p>}
      <div className="actions">
        <button type="button" className="ghost" disabled={!dirty || busy}
          onClick={() => {
            // The settings as stored now: another desktop's save when there was one.
            const current = stored ?? seen;
            setSeen(current);
            setForm(current);
            setPendingWord("");
          }}>{t("automation.settings.discard")}</button>
        <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
      </div>
    </form>
  );
}

/**
 * The AI key, apart from the settings it sits among: it is kept in this
 * computer's password store (never in the database, never synced, never
 * shown again), so it is saved on its own and each desktop that runs the
 * account's numbers needs its own. Inside the settings' form, so its
 * buttons never submit that form (Enter in the key is taken here).
 */
function AiKeyField() {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const status = useCommand("automationAiKeyStatus", [account.id]).data ?? null;
  const kept = status?.kept ?? null;
  const [typing, setTyping] = useState(false);
  const [key, setKey] = useState("");
  const [forgetting, setForgetting] = useState(false);
  const { submit, error, busy } = useSubmit(async () => {
    await write("automationAiKeySet", account.id, key);
    setKey("");
    setTyping(false);
    toast(t("automation.settings.aiKeySaved"));
  });
  const editing = kept === false || typing;
  return (
    <>
      {!editing && (
        // Kept: no input to label, so the label names the group of its buttons.
        <div className="field">
          <span id="automation-ai-key-label" className="field-label">{t("automation.settings.aiKey")}</span>
          <div role="group" aria-labelledby="automation-ai-key-label" aria-describedby="automation-ai-key-note" className="inline-form left" data-testid="ai-key-kept">
            <span className={status?.refused ? "pill danger" : "pill"}>{t("automation.settings.aiKeyKept")}</span>
            <button type="button" className="ghost small" onClick={() => setTyping(true)}>{t("automation.settings.aiKeyReplace")}</button>
            <button type="button" className="ghost small danger" onClick={() => setForgetting(true)}>{t("automation.settings.aiKeyForget")}</button>
          </div>
          {status?.refused
            ? <p className="field-error" role="alert" data-testid="ai-key-refused">{t(`automation.settings.aiKeyRefused.${status.refused}`, { origin: status.origin ?? "" })}</p>
            : status?.origin && <p className="field-hint" data-testid="ai-key-origin">{t("automation.settings.aiKeyOrigin", { origin: status.origin })}</p>}
          <p id="automation-ai-key-note" className="field-hint">{t("automation.settings.aiKeyHint")}</p>
        </div>
      )}
      {editing && (
      <Field id="automation-ai-key" label={t("automation.settings.aiKey")} error={error?.message ?? null} hint={t("automation.settings.aiKeyHint")}>
        {(id, desc) => (
            <div className="inline-form left">
              <input id={id} aria-describedby={desc} type="password" autoComplete="off" spellCheck={false} className="grow"
                placeholder={kept ? t("automation.settings.aiKeyNew") : "sk-…"} value={key} onChange={(e) => setKey(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key !== "Enter") return;
                  e.preventDefault();
                  if (!busy && key.trim()) void submit();
                }} />
              <button type="button" className="primary small" disabled={busy || !key.trim()} onClick={() => void submit()}>{t("automation.settings.aiKeySave")}</button>
              {kept && <button type="button" className="ghost small" onClick={() => { setTyping(false); setKey(""); }}>{t("common.cancel")}</button>}
            </div>
          )}
      </Field>
      )}
      {/* Out of the settings' form, in the DOM (a form in a form submits
          the outer one) and for React's bubbling of submit. */}
      {forgetting && createPortal(
        <div onSubmit={(e) => e.stopPropagation()}>
          <ConfirmDialog title={t("automation.settings.aiKeyForgetTitle")} confirmLabel={t("automation.settings.aiKeyForget")} danger
            onClose={() => setForgetting(false)}
            onConfirm={async () => {
              await write("automationAiKeySet", account.id, null);
              setForgetting(false);
              toast(t("automation.settings.aiKeyForgotten"));
            }}>
            <p>{t("automation.settings.aiKeyForgetConfirm")}</p>
          </ConfirmDialog>
        </div>,
        document.body,
      )}
    </>
  );
}
