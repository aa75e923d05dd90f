import { useMemo, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Keyword } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState } from "../../components/EmptyState";
import { alreadyGone, useUndoableDelete } from "../../components/useUndoableDelete";
import { actionsSummary, durationParts, numbersText } from "./summary";
import { KeywordDialog } from "./KeywordDialog";
import { TestMessage } from "./TestMessage";

/** Palavras-chave: the account's keyword replies, the first to fire first; create, edit, turn on/off, delete; and "Testar uma mensagem". */
export function KeywordsTab() {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const keywords = useCommand("keywordsList", [account.id]).data ?? null;
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const fields = useCommand("fieldsList", [account.id]).data ?? [];
  const flows = useCommand("flowsList", [account.id]).data ?? [];
  const users = useCommand("usersList", []).data ?? [];
  const files = useCommand("automationFilesList", [account.id]).data ?? [];
  const [editing, setEditing] = useState<Keyword | "new" | null>(null);
  const [deleting, setDeleting] = useState<Keyword | null>(null);
  const [switching, setSwitching] = useState<string | null>(null);
  const held = useUndoableDelete((e) => toast(errorText(e), "error"));
  const numberNames = useMemo(() => new Map(numbers.map((n) => [n.number.id, n.number.name])), [numbers]);

  async function setEnabled(k: Keyword, enabled: boolean) {
    setSwitching(k.id);
    try {
      await write("keywordsSetEnabled", account.id, k.id, enabled);
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setSwitching(null);
    }
  }

  const shown = (keywords ?? []).filter((k) => !held.hidden.has(k.id));
  return (
    <div className="automation-tab">
      <div className="tab-head">
        <p className="muted">{t("keywords.intro")}</p>
        <button type="button" className="primary" onClick={() => setEditing("new")}>+ {t("keywords.new")}</button>
      </div>
      {keywords !== null && shown.length === 0 && (
        <EmptyState title={t("keywords.empty")} body={t("keywords.emptyBody")} />
      )}
      {shown.length > 0 && (
        <div className="table-scroll">
          <table className="table keyword-table" aria-label={t("keywords.title")}>
            <thead>
              <tr>
                <th scope="col">{t("keywords.col.name")}</th>
                <th scope="col">{t("keywords.col.words")}</th>
                <th scope="col">{t("keywords.col.numbers")}</th>
                <th scope="col">{t("keywords.col.priority")}</th>
                <th scope="col">{t("keywords.col.actions")}</th>
                <th scope="col">{t("keywords.col.on")}</th>
                <th scope="col"><span className="sr-only">{t("keywords.col.manage")}</span></th>
              </tr>
            </thead>
            <tbody>
              {shown.map((k) => {
                const cooldown = durationParts(k.cooldown_minutes);
                return (
                  <tr key={k.id} data-testid="keyword-row" className={k.enabled ? "" : "off"}>
                    <td><strong>{k.name}</strong></td>
                    <td>
                      <span className="muted small">{t(`keywords.kind.${k.match_kind}`)}</span>
                      <div className="tag-list tight">{k.words.map((w) => <span key={w} className="chip static">{w}</span>)}</div>
                    </td>
                    <td className="small">{numbersText(t, k.numbers, numberNames)}</td>
                    <td className="small">
                      {k.priority}
                      <br />
                      <span className="muted">
                        {k.cooldown_minutes === 0 ? t("keywords.noCooldown") : t("keywords.cooldownShort", { n: cooldown.value, unit: t(cooldown.value === 1 ? `duration.one.${cooldown.unit}` : `duration.${cooldown.unit}`) })}
                      </span>
                    </td>
                    <td className="small">
                      <ul className="plain">{actionsSummary(t, k.actions, { fields, flows, users, files }).map((line) => <li key={line}>{line}</li>)}</ul>
                    </td>
                    <td>
                      <label className="switch">
                        <input type="checkbox" role="switch" aria-label={t("keywords.toggle", { name: k.name })} checked={k.enabled}
                          disabled={switching === k.id} onChange={(e) => void setEnabled(k, e.target.checked)} />
                        <span>{k.enabled ? t("keywords.on") : t("keywords.off")}</span>
                      </label>
                    </td>
                    <td>
                      <div className="row-actions">
                        <button type="button" className="ghost small" aria-label={t("keywords.editNamed", { name: k.name })} onClick={() => setEditing(k)}>{t("common.edit")}</button>
                        <button type="button" className="ghost small danger" aria-label={t("keywords.deleteNamed", { name: k.name })} onClick={() => setDeleting(k)}>{t("common.delete")}</button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <TestMessage numbers={numbers} />
      {editing && (
        <KeywordDialog
          keyword={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(k) => {
            toast(t(editing === "new" ? "keywords.created" : "keywords.saved", { name: k.name }));
            setEditing(null);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("keywords.deleteTitle")}
          confirmLabel={t("common.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const k = deleting;
            setDeleting(null);
            // Hidden at once, sent to Rust when the Desfazer window ends.
            held.remove(k.id, t("keywords.deletedUndo", { name: k.name }), async () => {
              await write("keywordsDelete", account.id, k.id).catch(alreadyGone("keyword_unknown"));
            });
          }}
        >
          <p>{t("keywords.deleteConfirm", { name: deleting.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
