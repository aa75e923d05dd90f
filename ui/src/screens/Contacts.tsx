import { useCallback, useEffect, useMemo, useState } from "react";
import { useQueries } from "@tanstack/react-query";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { AppError, ContactFilter, ContactItem, ContactSelection, Segment } from "../ipc/call";
import { errorText } from "../ipc/errorText";
import { commandQuery, useCommand, useWrite } from "../data/commands";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { EmptyState } from "../components/EmptyState";
import { alreadyGone, useUndoableDelete } from "../components/useUndoableDelete";
import { VirtualList } from "../components/VirtualList";
import { pagesFor, sourceIndex, type Window } from "../components/virtual";
import { formatPhone } from "../format";
import { BulkBar } from "./contacts/BulkBar";
import { ContactDialog } from "./contacts/ContactDialog";
import { ContactRow } from "./contacts/ContactRow";
import { FilterChips } from "./contacts/FilterChips";
import { ColumnsPicker, useContactColumns } from "./contacts/columns";
import { FilterPanel } from "./contacts/FilterPanel";
import { ImportWizard } from "./contacts/ImportWizard";
import { NewConversationDialog } from "./inbox/NewConversationDialog";
import { SegmentPicker } from "./contacts/SegmentPicker";
import { activeCount, effectiveFilter, isEmptyFilter } from "./contacts/filter";

const PAGE = 100;
const ROW_HEIGHT = 56;
/** Wait this long after the last keystroke or click before asking Rust. */
const DEBOUNCE_MS = 250;

/** Contacts picked by hand, or the whole result of the current filter. */
type Picked = { kind: "ids"; ids: Set<string> } | { kind: "filter" } | null;

/** Errors that mean the filter itself is wrong: shown beside it, not as a toast on every page. */
const FILTER_ERRORS = ["field_value_invalid", "field_unknown"];
const isFilterError = (e: AppError) => FILTER_ERRORS.includes(e.code);

/**
 * The current account's contacts as a CRM base: a virtualized list loaded
 * page by page with tags, a filter panel with a live count, saved segments,
 * selection (by hand or the whole filter result) with bulk actions, CSV
 * import, and the contact dialog with custom fields and LGPD actions.
 */
export function Contacts() {
  const { t, lang } = useI18n();
  const { account, toast, openConversation } = useApp();
  // What the person is editing, and (a moment later) what is asked of Rust.
  const [filter, setFilter] = useState<ContactFilter>({});
  const [applied, setApplied] = useState<ContactFilter>({});
  const [segment, setSegment] = useState<Segment | null>(null);
  const [showFilters, setShowFilters] = useState(false);
  const [picked, setPicked] = useState<Picked>(null);
  const [editing, setEditing] = useState<ContactItem | "new" | null>(null);
  const [talking, setTalking] = useState<ContactItem | null>(null);
  const [deleting, setDeleting] = useState<ContactItem | null>(null);
  const [importing, setImporting] = useState(false);
  const write = useWrite();
  const fail = useCallback((e: unknown) => toast(errorText(e), "error"), [toast]);
  const held = useUndoableDelete(fail);
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const fields = useCommand("fieldsList", [account.id]).data ?? [];
  const [columns, setColumns] = useContactColumns(account.id, fields);

  const wanted = effectiveFilter(filter);
  const wantedKey = JSON.stringify(wanted);
  useEffect(() => {
    const id = setTimeout(() => setApplied(JSON.parse(wantedKey) as ContactFilter), DEBOUNCE_MS);
    return () => clearTimeout(id);
  }, [wantedKey]);
  const appliedKey = JSON.stringify(applied);

  // A new filter is a new set of contacts: what was selected no longer applies.
  useEffect(() => setPicked(null), [appliedKey]);

  // The filter's count; a filter Rust refuses is shown beside it instead.
  const counted = useCommand("contactsCount", [account.id, applied], { inline: isFilterError, keepPrevious: true });
  const filterError = counted.error && isFilterError(counted.error) ? counted.error.message : null;
  const count = counted.error ? null : counted.data ?? null;

  // The pages the list's window shows (offsets), for the filter they were asked for.
  const [win, setWin] = useState<{ key: string; pages: number[] }>({ key: appliedKey, pages: [0] });
  const pages = win.key === appliedKey ? win.pages : [0];
  const pageQueries = useQueries({
    queries: pages.map((offset) => commandQuery("contactsList", [account.id, { filter: applied, offset, limit: PAGE }], { inline: isFilterError })),
  });
  const rows = new Map<number, ContactItem>();
  let total: number | null = null;
  let newest = -1;
  pageQueries.forEach((q, i) => {
    const offset = pages[i] ?? 0;
    q.data?.items.forEach((c, j) => rows.set(offset + j, c));
    // Pages fetched at different moments may disagree: the latest says how many there are.
    if (q.data && q.dataUpdatedAt > newest) {
      newest = q.dataUpdatedAt;
      total = q.data.total;
    }
  });
  if (pageQueries.some((q) => q.error && isFilterError(q.error))) total = null;

  // Loaded rows whose deletion is held for Desfazer: left out of the list and the counts.
  const skippedKey = [...rows].filter(([, c]) => held.hidden.has(c.id)).map(([i]) => i).sort((a, b) => a - b).join(",");
  const skipped = useMemo(() => (skippedKey ? skippedKey.split(",").map(Number) : []), [skippedKey]);
  const shownTotal = total === null ? null : (total as number) - skipped.length;
  const shownCount = count === null ? null : Math.max(0, count - skipped.length);
  const onWindow = useCallback((w: Window) => {
    const source = { start: sourceIndex(w.start, skipped), end: w.end > w.start ? sourceIndex(w.end - 1, skipped) + 1 : w.start };
    // The first page always stays: it carries the total while a scrolled-to page loads.
    const wanted = [0, ...pagesFor(source, PAGE).filter((p) => p !== 0)];
    setWin((cur) => (cur.key === appliedKey && cur.pages.join() === wanted.join() ? cur : { key: appliedKey, pages: wanted }));
  }, [skipped, appliedKey]);
  const tagMap = useMemo(() => new Map(tags.map((x) => [x.id, x])), [tags]);

  async function toggleOptOut(c: ContactItem) {
    try {
      await write("contactsSetOptOut", account.id, c.id, c.opted_out_at === null);
    } catch (e) {
      fail(e);
    }
  }

  // Confirmed: hidden at once, sent to Rust when the Desfazer window ends.
  function remove(c: ContactItem) {
    // Out of a hand-picked selection too: bulk actions must not touch what the person saw go.
    if (picked?.kind === "ids" && picked.ids.has(c.id)) check(c, false);
    held.remove(c.id, t("contacts.deletedUndo"), async () => {
      await write("contactsDelete", account.id, c.id).catch(alreadyGone("contact_unknown"));
    });
  }

  function pickSegment(s: Segment | null) {
    setSegment(s);
    setFilter(s ? s.filter : {});
    if (s && !isEmptyFilter({ ...s.filter, search: null })) setShowFilters(true);
  }

  function check(c: ContactItem, on: boolean) {
    const ids = new Set(picked?.kind === "ids" ? picked.ids : []);
    if (on) ids.add(c.id);
    else ids.delete(c.id);
    setPicked(ids.size ? { kind: "ids", ids } : null);
  }

  const selection: ContactSelection | null = picked === null ? null
    : picked.kind === "filter" ? { kind: "filter", filter: applied }
    : { kind: "ids", ids: [...picked.ids] };
  const selectedCount = picked === null ? 0 : picked.kind === "filter" ? (shownCount ?? shownTotal ?? 0) : picked.ids.size;

  const countText = filterError ? "" : shownCount === null ? "" : shownCount === 1 ? t("contacts.countOne") : t("contacts.count", { count: shownCount.toLocaleString(lang) });
  const searchOnly = isEmptyFilter({ ...applied, search: null });
  const nothingAsked = isEmptyFilter(applied);
  const filters = activeCount(filter);

  return (
    <section className="screen contacts">
      <header className="screen-head">
        <div>
          <h1>{t("contacts.title")}</h1>
          <p className="muted" data-testid="contacts-count" aria-live="polite">{countText}</p>
        </div>
        <div className="head-actions">
          <ColumnsPicker fields={fields} shown={columns} onChange={setColumns} />
          <SegmentPicker filter={wanted} current={segment} onPick={pickSegment} />
          <button type="button" className="ghost" onClick={() => setImporting(true)}>{t("import.open")}</button>
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            + {t("contacts.new")}
          </button>
        </div>
      </header>
      <div className="filter-bar">
        <input type="search" className="search" placeholder={t("contacts.search")} aria-label={t("contacts.search")}
          value={filter.search ?? ""} onChange={(e) => setFilter({ ...filter, search: e.target.value })} />
        <button type="button" className={filters ? "ghost active-filters" : "ghost"} aria-expanded={showFilters} aria-controls="contact-filters"
          onClick={() => setShowFilters((s) => !s)}>
          {filters ? t("filter.buttonCount", { count: filters }) : t("filter.button")}
        </button>
        <FilterChips filter={filter} tags={tags} fields={fields} onChange={setFilter} />
      </div>
      {showFilters && (
        <div id="contact-filters">
          <FilterPanel filter={filter} onChange={setFilter} tags={tags} fields={fields} error={filterError} onClose={() => setShowFilters(false)} />
        </div>
      )}
      {!showFilters && filterError && <p className="form-error" role="alert">{filterError}</p>}

      {shownTotal === 0 && nothingAsked && (
        <EmptyState title={t("contacts.empty")} body={t("contacts.emptyBody")}>
          <div className="actions center-actions">
            <button type="button" className="ghost" onClick={() => setImporting(true)}>{t("import.open")}</button>
            <button type="button" className="primary" onClick={() => setEditing("new")}>+ {t("contacts.new")}</button>
          </div>
        </EmptyState>
      )}
      {shownTotal === 0 && !nothingAsked && searchOnly && <p className="muted center">{t("contacts.noMatch", { query: applied.search ?? "" })}</p>}
      {shownTotal === 0 && !searchOnly && (
        <div className="muted center" data-testid="no-match">
          <p>{t("filter.noMatch")}</p>
          <button type="button" className="ghost small" onClick={() => setFilter({ search: filter.search })}>{t("filter.clear")}</button>
        </div>
      )}
      {shownTotal !== null && shownTotal > 0 && (
        <>
          <div className="list-tools">
            <label className="check">
              <input type="checkbox" checked={picked?.kind === "filter"}
                ref={(el) => {
                  if (el) el.indeterminate = picked?.kind === "ids";
                }}
                onChange={(e) => setPicked(e.target.checked ? { kind: "filter" } : null)} />
              {t(shownTotal === 1 ? "contacts.selectAllOne" : "contacts.selectAll", { count: shownTotal.toLocaleString(lang) })}
            </label>
            {selection && (
              <BulkBar count={selectedCount} selection={selection} tags={tags}
                onChanged={() => setPicked(null)}
                onClear={() => setPicked(null)} />
            )}
          </div>
          <VirtualList
            key={`${account.id}|${appliedKey}`}
            label={t("contacts.title")}
            total={shownTotal}
            rowHeight={ROW_HEIGHT}
            onWindow={onWindow}
            rowKey={(i) => rows.get(sourceIndex(i, skipped))?.id}
            row={(i) => {
              const c = rows.get(sourceIndex(i, skipped));
              if (!c) return <div className="contact-row placeholder" />;
              return (
                <ContactRow contact={c} tags={tagMap} columns={columns}
                  checked={picked?.kind === "filter" || (picked?.kind === "ids" && picked.ids.has(c.id))}
                  locked={picked?.kind === "filter"}
                  onCheck={(on) => check(c, on)}
                  onEdit={() => setEditing(c)}
                  onTalk={() => setTalking(c)}
                  onOptOut={() => void toggleOptOut(c)}
                  onDelete={() => setDeleting(c)} />
              );
            }}
          />
        </>
      )}
      {talking && (
        <NewConversationDialog contact={talking} onClose={() => setTalking(null)}
          onStarted={(conversation) => { setTalking(null); openConversation(conversation); }} />
      )}
      {editing && (
        <ContactDialog
          contact={editing === "new" ? null : editing}
          fields={fields}
          tags={tags}
          onClose={() => setEditing(null)}
          onSaved={(created) => {
            toast(t(created ? "contacts.created" : "contacts.saved"));
            setEditing(null);
          }}
          onErased={() => setEditing(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("contacts.deleteTitle")}
          confirmLabel={t("common.delete")}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            setDeleting(null);
            remove(deleting);
          }}
        >
          <p>{t("contacts.deleteConfirm", { name: deleting.name ?? formatPhone(deleting.phone) })}</p>
        </ConfirmDialog>
      )}
      {importing && (
        <ImportWizard
          fields={fields}
          onClose={() => setImporting(false)}
          onDone={() => setImporting(false)}
        />
      )}
    </section>
  );
}
