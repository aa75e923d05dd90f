import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { QuickReply } from "../../ipc/call";
import { useWrite } from "../../data/commands";
import { useSubmit } from "../../components/useSubmit";

/**
 * One quick reply in Settings, edited in place: Editar turns the line into
 * its shortcut and text, Salvar sends both to Rust (which checks them as on
 * create: a taken or invalid shortcut, an empty or too long text), and a
 * refusal stays beside the line with the typing kept.
 */
export function QuickReplyRow({ reply, onDelete }: { reply: QuickReply; onDelete: () => void }) {
  const { t } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const [editing, setEditing] = useState(false);
  const [shortcut, setShortcut] = useState(reply.shortcut);
  const [body, setBody] = useState(reply.body);
  const { submit: save, error, busy } = useSubmit(async () => {
    await write("quickRepliesUpdate", account.id, reply.id, { shortcut, body });
    setEditing(false);
  });

  if (!editing) {
    return (
      <li data-testid="quick-reply">
        <div><strong>/{reply.shortcut}</strong><span className="muted">{reply.body}</span></div>
        <span className="row-actions">
          <button type="button" className="ghost small" aria-label={t("settings.qrEditLabel", { shortcut: reply.shortcut })}
            onClick={() => { setShortcut(reply.shortcut); setBody(reply.body); setEditing(true); }}>{t("common.edit")}</button>
          <button type="button" className="ghost small danger" onClick={onDelete}>{t("common.delete")}</button>
        </span>
      </li>
    );
  }
  return (
    <li data-testid="quick-reply" className="editing">
      <form className="inline-form left grow" onSubmit={save}>
        <input aria-label={t("settings.qrShortcut")} value={shortcut} onChange={(e) => setShortcut(e.target.value)} autoFocus />
        <textarea aria-label={t("settings.qrBody")} className="grow" rows={2} value={body} onChange={(e) => setBody(e.target.value)} />
        <button type="submit" className="primary small" disabled={busy}>{t("common.save")}</button>
        <button type="button" className="ghost small" onClick={() => setEditing(false)}>{t("common.cancel")}</button>
      </form>
      {error && <p className="form-error" role="alert">{error.message}</p>}
    </li>
  );
}
