import { useState } from "react";
import { useI18n } from "../../i18n";
import type { InvitedLogin } from "../../ipc/call";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Modal } from "../../components/Modal";
import { SecretBox } from "../settings/SecretBox";

/**
 * What the invited person types in Settings → Sincronização on their desktop,
 * this once (as `zapdesk-cli remote invite` prints it): the password is never
 * shown again. Closing before copying asks first.
 */
export function InvitedLoginDialog({ login, onClose }: { login: InvitedLogin; onClose: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const [dismissing, setDismissing] = useState(false);
  const lines = [
    `${t("sync.host")}: ${login.host}`,
    `${t("sync.port")}: ${login.port}`,
    `${t("sync.database")}: ${login.database}`,
    `${t("sync.operator")}: ${login.operator}`,
    ...(login.password !== null ? [`${t("sync.password")}: ${login.password}`] : []),
  ].join("\n");
  return (
    <>
      <Modal title={t("team.loginTitle", { name: login.member.name })} onClose={() => (copied ? onClose() : setDismissing(true))} className="wide">
        <div className="form">
          <p className="notice" role="alert">{login.password !== null ? t("team.loginOnce") : t("team.loginExisting")}</p>
          <SecretBox text={lines} label={t("team.loginLabel")} block testId="invited-login" onCopied={() => setCopied(true)} />
          <div className="actions">
            <button type="button" className="primary" onClick={onClose}>{t("api.done")}</button>
          </div>
        </div>
      </Modal>
      {dismissing && (
        <ConfirmDialog title={t("team.loginCloseTitle")} confirmLabel={t("unsaved.leave")} danger
          onClose={() => setDismissing(false)} onConfirm={async () => onClose()}>
          <p>{t("team.loginOnce")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
