import { EmptyState } from "../components/EmptyState";
import { useI18n } from "../i18n";

export type SoonScreen = "flows";

/** Screens whose features are not built yet say so plainly. */
export function ComingSoon({ screen }: { screen: SoonScreen }) {
  const { t } = useI18n();
  return (
    <section className="screen">
      <EmptyState badge={t("common.comingSoon")} title={t(`soon.${screen}.title`)} body={t(`soon.${screen}.body`)} />
    </section>
  );
}
