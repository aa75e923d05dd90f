import { useRef, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { type Contact, type ContactInput, type ContactItem, type CustomField, type FieldValue, type Tag } from "../../ipc/call";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { useOperator } from "../../data/operator";
import { FieldValueInput } from "./FieldValueInput";
import { LgpdSection } from "./LgpdSection";
import { TagPicker } from "./TagPicker";
import { changedValues, fieldOfError, valueForInput } from "./values";

interface Props {
  contact: ContactItem | null;
  fields: CustomField[];
  tags: Tag[];
  onClose: () => void;
  onSaved: (created: boolean) => void;
  /** The contact was erased for good (LGPD). */
  onErased: () => void;
}

/**
 * Create or edit a contact: phone and name, the account's custom fields as
 * typed inputs, and tags; for an existing contact, the LGPD export and erasure.
 * Saving writes the contact, then the changed field values (all or nothing),
 * then the tag changes. A refusal lands under the field it concerns.
 */
export function ContactDialog({ contact, fields, tags, onClose, onSaved, onErased }: Props) {
  const { t, lang } = useI18n();
  const { account, info } = useApp();
  // A contact's LGPD copy and erasure are not an agent's (Rust refuses them too).
  const { manager } = useOperator();
  const [input, setInput] = useState<ContactInput>({ phone: contact?.phone ?? "", name: contact?.name ?? "" });
  // Set once a new contact is created, so that saving again (after a refused
  // field value) updates it instead of creating it twice.
  const [created, setCreated] = useState<Contact | null>(null);
  const write = useWrite();
  // The values as stored: read for an existing contact, then as the last save returned them.
  const [saved, setSaved] = useState<FieldValue[] | null>(contact ? null : []);
  const read = useCommand("fieldsOfContact", [account.id, contact?.id ?? ""], { enabled: contact !== null, inline: true });
  const stored = saved ?? read.data ?? null;
  const loadError = read.error ? errorText(read.error) : null;
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [savedTags, setSavedTags] = useState<string[]>(contact?.tags ?? []);
  const [picked, setPicked] = useState<string[]>(contact?.tags ?? []);
  const sent = useRef<FieldValue[]>([]);

  const { submit, error, busy } = useSubmit(async () => {
    const target = contact ?? created;
    const done = target
      ? await write("contactsUpdate", account.id, target.id, input)
      : await write("contactsCreate", account.id, input);
    if (!target) setCreated(done);
    const values = changedValues(fields, stored ?? [], inputs, lang);
    sent.current = values;
    if (values.length > 0) {
      setSaved(await write("fieldsSetValues", account.id, done.id, values));
      setInputs({});
    }
    const ids = { kind: "ids" as const, ids: [done.id] };
    for (const tag of picked.filter((x) => !savedTags.includes(x))) await write("tagsApplySelection", account.id, tag, ids, true);
    for (const tag of savedTags.filter((x) => !picked.includes(x))) await write("tagsApplySelection", account.id, tag, ids, false);
    setSavedTags(picked);
    onSaved(!contact);
  });

  const phoneError = error && ["phone_invalid", "phone_duplicate"].includes(error.code) ? error.message : null;
  const nameError = error && ["name_empty", "name_too_long"].includes(error.code) ? error.message : null;
  const badField = error?.code === "field_value_invalid" ? fieldOfError(error.message, fields, sent.current) : null;
  const otherError = error && !phoneError && !nameError && !badField ? error.message : null;
  const existing = contact ?? created;
  const close = onClose;

  return (
    <Modal title={t(contact ? "contacts.edit" : "contacts.new")} onClose={close} className="tall">
      <form className="form" onSubmit={submit} noValidate>
        <Field id="contact-phone" label={t("contacts.phone")} hint={t("contacts.phoneHint")} error={phoneError}>
          {(id, desc) => (
            <input id={id} aria-describedby={desc} autoFocus inputMode="tel" value={input.phone}
              onChange={(e) => setInput({ ...input, phone: e.target.value })} />
          )}
        </Field>
        <Field id="contact-name" label={t("contacts.name")} error={nameError}>
          {(id, desc) => (
            <input id={id} aria-describedby={desc} maxLength={info.limits.contact_name} value={input.name ?? ""}
              onChange={(e) => setInput({ ...input, name: e.target.value })} />
          )}
        </Field>
        {fields.length > 0 && (
          <fieldset className="plain custom-fields" disabled={stored === null}>
            <legend>{t("fields.title")}</legend>
            {loadError && <p className="form-error" role="alert">{loadError}</p>}
            {fields.map((f) => {
              const before = stored?.find((v) => v.field_id === f.id)?.value ?? "";
              return (
                <Field key={f.id} id={`contact-field-${f.id}`} label={f.label} error={badField?.id === f.id ? error?.message : null}>
                  {(id, desc) => (
                    <FieldValueInput field={f} id={id} describedBy={desc} value={inputs[f.id] ?? valueForInput(f.kind, before, lang)}
                      onChange={(value) => setInputs({ ...inputs, [f.id]: value })} />
                  )}
                </Field>
              );
            })}
          </fieldset>
        )}
        {tags.length > 0 && (
          <fieldset className="plain">
            <legend>{t("contacts.tags")}</legend>
            <TagPicker all={tags} picked={picked} onChange={setPicked} />
          </fieldset>
        )}
        {otherError && <p className="form-error" role="alert">{otherError}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={close}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy || stored === null}>{t(existing ? "common.save" : "common.create")}</button>
        </div>
      </form>
      {contact && manager && <LgpdSection contact={contact} onErased={onErased} />}
    </Modal>
  );
}
