// The same draft as JSON text, for people who prefer it (and for pasting a
// document from elsewhere). Rust reads the text a moment after the last key
// (`flows_check_text`); once it reads as a flow, the document replaces the
// canvas's (one undo step) and is saved as any change is. A text that is not
// a flow is held back with its first wrong place.
import { useEffect, useRef, useState } from "react";
import type { FlowDocument } from "../../../ipc/call";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { errorText } from "../../../ipc/errorText";
import { useCommand } from "../../../data/commands";
import { DEBOUNCE_MS } from "../../../components/useSettled";
import { documentText, placeOffset } from "../document";

export function JsonView({ doc, readOnly, onChange }: { doc: FlowDocument; readOnly: boolean; onChange: (doc: FlowDocument) => void }) {
  const { t } = useI18n();
  const { account } = useApp();
  const [text, setText] = useState(() => documentText(doc));
  const [settled, setSettled] = useState(text);
  // The document this text was last the same as: a change from the canvas (undo) shows here.
  const shown = useRef(doc);
  useEffect(() => {
    if (doc === shown.current) return;
    shown.current = doc;
    const next = documentText(doc);
    setText(next);
    setSettled(next);
  }, [doc]);
  useEffect(() => {
    const wait = setTimeout(() => setSettled(text), DEBOUNCE_MS);
    return () => clearTimeout(wait);
  }, [text]);
  const checked = useCommand("flowsCheckText", [account.id, settled], { inline: true, keepPrevious: true, enabled: !readOnly });
  const check = checked.data ?? null;
  const current = check !== null && !checked.isPlaceholderData && settled === text ? check : null;
  useEffect(() => {
    if (current?.kind !== "read" || readOnly) return;
    if (documentText(current.document) === documentText(doc)) return;
    shown.current = current.document;
    onChange(current.document);
  }, [current]); // eslint-disable-line react-hooks/exhaustive-deps

  const area = useRef<HTMLTextAreaElement>(null);
  const showPlace = () => {
    if (check?.kind !== "malformed" || !check.place) return;
    const at = placeOffset(text, check.place);
    const el = area.current;
    if (at === null || !el) return;
    el.focus();
    el.setSelectionRange(at, Math.min(text.length, at + 1));
    const line = text.slice(0, at).split("\n").length - 1;
    el.scrollTop = Math.max(0, (line - 2) * (parseFloat(getComputedStyle(el).lineHeight) || 18));
  };
  return (
    <section className="panel json-view" aria-label={t("flows.editor.document")}>
      <p className="field-hint">{t("canvas.jsonHint")}</p>
      <textarea ref={area} className="mono json-editor" aria-label={t("flows.editor.documentLabel")} spellCheck={false} rows={26}
        readOnly={readOnly} value={text} onChange={(e) => setText(e.target.value)} />
      {check?.kind === "malformed" && settled === text && (
        <p className="field-error" role="alert" data-testid="doc-error">
          {check.message}{" "}
          {check.place && <button type="button" className="link small" onClick={showPlace}>{t("flows.editor.showPlace")}</button>}
        </p>
      )}
      {checked.error && <p className="field-error" role="alert" data-testid="check-error">{t("flows.editor.checkFailed", { reason: errorText(checked.error) })}</p>}
    </section>
  );
}
