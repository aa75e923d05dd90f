// The pipeline's commands of the fake Rust side (issue 18, item 7), installed
// in the page after mock-backend.mjs, on its state. Answers with Rust's shapes
// and pt-BR refusals (crates/core/src/pipeline) for what the UI tests use:
// stages in order, cards ordered by a position key, a move before a card or
// to the end of a stage, counts and values per stage, the board's filters,
// a stage with cards deleted only with a stage for them.
//
// Seeds (`seed.pipeline`): `stages` [{name, color, account (index)}], `cards`
// [{contact (phone), stage (name), title, value (cents), owner (e-mail)}].
// A stage seeded with `flowRefused` ({code, pt_br, en}) starts a flow that
// Rust refuses: entering it answers FlowOutcome::Failed with that refusal.
export function installPipelineMock(seed) {
  const { state } = window.__MOCK__;
  const { id, fail, now, account, WRITES, handlers } = window.__MOCK__.lib;
  const given = seed.pipeline ?? {};
  const accountAt = (i) => state.accounts[i ?? 0].id;
  state.stages = (given.stages ?? []).map((s, i) => ({
    id: id(), account_id: accountAt(s.account), name: s.name, color: s.color ?? "#0f766e", position: i,
    add_tag_id: null, start_flow_id: s.flowRefused ? id() : null, created_at: now, updated_at: now,
  }));
  const refusals = new Map(state.stages.map((s, i) => [s.id, given.stages[i].flowRefused]).filter(([, r]) => r));
  // Positions here are plain numbers; Rust's are fractional keys, ordered the same way.
  let seq = 0;
  state.cards = (given.cards ?? []).map((c) => {
    const contact = state.contacts.find((x) => x.phone === c.contact);
    const stage = state.stages.find((s) => s.name === c.stage);
    return {
      id: id(), account_id: contact.account_id, contact_id: contact.id, stage_id: stage.id, title: c.title ?? null,
      value_cents: c.value ?? 0, owner_email: c.owner ?? null, position: ++seq, created_at: now, updated_at: now,
    };
  });

  Object.assign(WRITES, {
    pipeline_stages_create: ["pipeline_stages", "pipeline_cards"], pipeline_stages_update: ["pipeline_stages", "pipeline_cards"],
    pipeline_stages_reorder: ["pipeline_stages", "pipeline_cards"], pipeline_stages_delete: ["pipeline_stages", "pipeline_cards"],
    pipeline_cards_create: ["pipeline_cards", "contact_tags"], pipeline_cards_move: ["pipeline_cards", "contact_tags"],
    pipeline_cards_update: ["pipeline_cards"], pipeline_cards_delete: ["pipeline_cards"],
  });

  const stagesOf = (acc) => state.stages.filter((s) => s.account_id === acc).sort((a, b) => a.position - b.position);
  const stage = (acc, sid) => state.stages.find((s) => s.account_id === acc && s.id === sid)
    ?? fail("pipeline_stage_unknown", "Esta etapa não existe mais (talvez tenha sido apagada em outro computador). Recarregue o funil.");
  const card = (acc, cid) => state.cards.find((c) => c.account_id === acc && c.id === cid) ?? fail("pipeline_card_unknown", "Este cartão não existe mais.");
  const view = (c) => {
    const contact = state.contacts.find((x) => x.id === c.contact_id);
    const owner = state.users?.find((u) => u.email === c.owner_email);
    return { ...c, position: String(c.position), contact_name: contact?.name ?? null, contact_phone: contact?.phone ?? "", owner_name: owner?.name ?? null };
  };
  const fold = (s) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const list = (acc, filter) => {
    const text = (filter?.text ?? "").trim();
    const digits = text.replace(/\D/g, "");
    const ownerEmail = filter?.owner ? state.users?.find((u) => u.id === filter.owner)?.email : null;
    return state.cards.filter((c) => c.account_id === acc).map(view).filter((c) =>
      (!filter?.owner || c.owner_email === ownerEmail)
      && (!filter?.tag || state.contactTags.some((x) => x.contact === c.contact_id && x.tag === filter.tag))
      && (!text || fold(c.contact_name ?? "").includes(fold(text)) || fold(c.title ?? "").includes(fold(text)) || (digits && c.contact_phone.includes(digits))))
      .sort((a, b) => Number(a.position) - Number(b.position));
  };
  const place = (acc, c, stageId, before) => {
    const column = state.cards.filter((x) => x.account_id === acc && x.stage_id === stageId && x.id !== c.id).sort((a, b) => a.position - b.position);
    const at = before ? column.findIndex((x) => x.id === before) : -1;
    if (at < 0) return (column.at(-1)?.position ?? 0) + 1;
    return ((column[at - 1]?.position ?? column[at].position - 1) + column[at].position) / 2;
  };
  const moved = (c, entered) => {
    const refused = entered && refusals.get(c.stage_id);
    return { card: view(c), tag_added: null, flow: refused ? { kind: "failed", ...refused } : { kind: "none" } };
  };
  // CardInput.owner (OwnerChange): keep, clear, or set to an operator of this desktop.
  const ownerAfter = (change, before) => {
    if (change.kind === "keep") return before;
    if (change.kind === "clear") return null;
    return state.users?.find((u) => u.id === change.user)?.email ?? fail("user_unknown", "Este operador não existe mais.");
  };

  Object.assign(handlers, {
    pipeline_stages_list: ({ account: acc }) => { account(acc); return stagesOf(acc); },
    pipeline_stages_create: ({ account: acc, input }) => {
      account(acc);
      if (!input.name.trim()) fail("name_empty", "Dê um nome à etapa.");
      const s = { id: id(), account_id: acc, name: input.name.trim(), color: input.color, position: stagesOf(acc).length,
        add_tag_id: input.add_tag_id, start_flow_id: input.start_flow_id, created_at: now, updated_at: now };
      state.stages.push(s);
      return s;
    },
    pipeline_stages_update: ({ account: acc, id: sid, input }) => {
      const s = stage(acc, sid);
      if (!input.name.trim()) fail("name_empty", "Dê um nome à etapa.");
      Object.assign(s, { name: input.name.trim(), color: input.color, add_tag_id: input.add_tag_id, start_flow_id: input.start_flow_id });
      return s;
    },
    pipeline_stages_reorder: ({ account: acc, order }) => {
      order.forEach((sid, i) => { stage(acc, sid).position = i; });
      return stagesOf(acc);
    },
    pipeline_stages_delete: ({ account: acc, id: sid, moveCardsTo }) => {
      stage(acc, sid);
      const cards = state.cards.filter((c) => c.account_id === acc && c.stage_id === sid);
      if (cards.length && (!moveCardsTo || moveCardsTo === sid)) {
        fail("pipeline_stage_has_cards", `A etapa tem ${cards.length} cartão(ões). Escolha para qual etapa eles vão antes de apagá-la.`);
      }
      for (const c of cards) { c.position = place(acc, c, moveCardsTo, null); c.stage_id = stage(acc, moveCardsTo).id; }
      state.stages = state.stages.filter((s) => s.id !== sid);
      return null;
    },
    pipeline_cards_list: ({ account: acc, filter }) => { account(acc); return list(acc, filter); },
    pipeline_cards_create: ({ account: acc, stage: sid, input }) => {
      stage(acc, sid);
      const owner = ownerAfter(input.owner, null);
      const c = { id: id(), account_id: acc, contact_id: input.contact_id, stage_id: sid, title: input.title, value_cents: input.value_cents,
        owner_email: owner, position: 0, created_at: now, updated_at: now };
      c.position = place(acc, c, sid, null);
      state.cards.push(c);
      return moved(c, true);
    },
    pipeline_cards_update: ({ account: acc, id: cid, input }) => {
      const c = card(acc, cid);
      const owner = ownerAfter(input.owner, c.owner_email);
      Object.assign(c, { title: input.title, value_cents: input.value_cents, owner_email: owner });
      return view(c);
    },
    pipeline_cards_delete: ({ account: acc, id: cid }) => {
      card(acc, cid);
      state.cards = state.cards.filter((c) => c.id !== cid);
      return null;
    },
    pipeline_cards_move: ({ account: acc, id: cid, to }) => {
      const c = card(acc, cid);
      stage(acc, to.stage);
      const entered = c.stage_id !== to.stage;
      c.position = place(acc, c, to.stage, to.before);
      c.stage_id = to.stage;
      return moved(c, entered);
    },
    pipeline_summary: ({ account: acc, filter }) => {
      const cards = list(acc, filter);
      return stagesOf(acc).map((s) => {
        const mine = cards.filter((c) => c.stage_id === s.id);
        return { stage_id: s.id, name: s.name, color: s.color, cards: mine.length, value_cents: mine.reduce((n, c) => n + c.value_cents, 0) };
      });
    },
  });
}
