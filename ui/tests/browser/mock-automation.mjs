// The automation commands of the fake Rust side (keywords, flows, the bot's
// settings, its files), installed in the page after mock-backend.mjs and on
// its state. They answer with Rust's shapes, codes and pt-BR texts for what
// the UI tests exercise: keyword checks and conflicts folded as
// crates/core/src/automation/matching.rs folds (case and accents aside, whole
// words), "test a message" as explain.rs decides, drafts saved by revision,
// publishing refused with every problem of flow_check.rs (its loop check
// aside), a malformed import or typed text named at its first wrong place
// (flows_check_text), triggers and
// settings refused as flows.rs and settings.rs refuse them.
//
// Seeds (`seed.automation`): `settings` (partial AutomationSettings),
// `keywords` [{name, words, match_kind, priority, enabled, numbers (indexes),
// cooldown_minutes, actions (partial), createdAt}], `flows` [{name, document,
// published (the draft published as v1), triggers, enabled, activeSessions,
// sessionsStarted, analytics (what flows_analytics answers)}],
// `files` [{name, mime}]; `flowExportPath` (null: the save dialog cancelled);
// the bot in conversations (sessions.rs): `sessions` [{conversation (index),
// flow (name, published), node, waiting, vars, startedBy, startedAt}], `log`
// [{conversation, what, detail, at}], `botMessages` [{conversation, source
// (flow | keyword | system), ref (the flow's or keyword's name), node, body}];
// `aiKey` (a key this computer keeps for the first account). Taking a
// conversation over or assigning it ends its session, as work.rs does.
export function installAutomationMock(seed) {
  const { state } = window.__MOCK__;
  const { id, fail, now, account, parseTemplate, canonical, WRITES, handlers } = window.__MOCK__.lib;
  const given = seed.automation ?? {};
  const accountAt = (i) => state.accounts[i ?? 0].id;

  Object.assign(WRITES, {
    automation_settings_save: ["automation_settings"], automation_files_upload: ["automation_files"],
    keywords_create: ["keywords"], keywords_update: ["keywords"], keywords_set_enabled: ["keywords"], keywords_delete: ["keywords"],
    flows_create: ["flows"], flows_rename: ["flows"], flows_save_draft: ["flows"], flows_publish: ["flows", "flow_versions"],
    flows_restore: ["flows"], flows_set_triggers: ["flows"], flows_set_enabled: ["flows"], flows_import: ["flows"], flows_duplicate: ["flows"],
    flows_delete: ["flows", "flow_versions", "flow_sessions", "campaigns", "messages"],
    sessions_start: ["flow_sessions", "conversations"], sessions_stop: ["flow_sessions", "conversations"],
    automation_ai_key_set: ["automation_settings"],
  });
  // Taking a conversation over or assigning it ends its session (work.rs).
  WRITES.inbox_assign = ["conversations", "flow_sessions"];
  WRITES.inbox_set_owner = ["conversations", "flow_sessions"];

  // crates/core/src/text.rs `fold`: lower case, Portuguese accents off.
  const fold = (s) => (s ?? "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  const cleanName = (raw) => {
    const name = (raw ?? "").trim().replace(/\s+/g, " ");
    if (!name) return { problem: ["name_empty", "Dê um nome."] };
    if ([...name].length > 80) return { problem: ["name_too_long", "O nome pode ter até 80 caracteres."] };
    return { name };
  };
  const catching = (f) => {
    try {
      f();
      return null;
    } catch (e) {
      return e;
    }
  };

  // ---- Settings (settings.rs) ----
  const DEFAULTS = {
    enabled: true, time_zone: "America/Sao_Paulo", handoff_words: ["atendente"],
    handoff_reply: "Certo! Uma pessoa da nossa equipe vai continuar a conversa.", session_expiry_minutes: 1440,
    allow_private_http: false, ai_base_url: null, ai_model: null, ai_instructions: "",
  };
  state.automationSettings = {};
  if (given.settings) state.automationSettings[accountAt(0)] = { ...DEFAULTS, ...given.settings };
  const settingsOf = (accountId) => state.automationSettings[accountId] ?? DEFAULTS;
  // scheme://host:port, the default port written out (secret.rs `origin`).
  const originOf = (url) => {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
  };
  // What jiff knows, as far as this browser can tell.
  const ZONES = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"].map((z) => z.toLowerCase()));
  const httpUrl = (url) => {
    const m = /^https?:\/\/([^/?#]*)/i.exec(url);
    return !!m && m[1] !== "" && !m[1].startsWith(":") && !/\s/.test(url);
  };
  const SETTINGS = "automation_settings_invalid";
  const validateSettings = (input) => {
    const tz = input.time_zone.trim();
    if (!ZONES.has(tz.toLowerCase())) fail(SETTINGS, `"${input.time_zone}" não é um fuso horário conhecido (exemplo: America/Sao_Paulo).`);
    const words = input.handoff_words.map((w) => w.split(/\s+/).filter(Boolean).join(" ")).filter(Boolean);
    if (!words.length) fail(SETTINGS, "Escreva ao menos uma palavra com que o contato peça um atendente (por exemplo \"atendente\").");
    const seen = new Set();
    for (const w of words) {
      if (seen.has(fold(w))) fail(SETTINGS, `A palavra "${w}" aparece duas vezes (maiúsculas e acentos não fazem outra palavra). Deixe uma só.`);
      seen.add(fold(w));
      if (!splitWords(w).length) fail(SETTINGS, `"${w}" não tem letras nem números: não responderia a nada.`);
    }
    const reply = input.handoff_reply.trim();
    if (!reply) fail(SETTINGS, "Escreva a resposta enviada quando o contato pede um atendente.");
    if ([...reply].length > 4096) fail(SETTINGS, "A mensagem pode ter até 4096 caracteres, o limite do WhatsApp.");
    if (input.session_expiry_minutes < 5 || input.session_expiry_minutes > 43200) fail(SETTINGS, "O tempo de espera por uma resposta deve ficar entre 5 minutos e 30 dias.");
    const some = (v) => (v ?? "").trim() || null;
    const url = some(input.ai_base_url);
    const model = some(input.ai_model);
    if (url && !httpUrl(url)) fail(SETTINGS, `"${url}" não é um endereço http:// ou https://.`);
    if (url && !model) fail(SETTINGS, "Informe o modelo de IA a usar nesse endereço (por exemplo gpt-4o-mini ou llama3.1).");
    return { ...input, time_zone: tz, handoff_words: words, handoff_reply: reply, ai_base_url: url, ai_model: model, ai_instructions: input.ai_instructions.trim() };
  };
  const handoffWord = (settings, text) => settings.handoff_words.find((w) => {
    const m = matcher("contains", [w]);
    return m.ok && m.find(text) !== null;
  }) ?? null;

  // ---- Files (files.rs) ----
  state.automationFiles = (given.files ?? []).map((f, i) => ({ id: id(), account_id: accountAt(f.account), name: f.name, mime: f.mime ?? "application/pdf", kind: "document", size: f.size ?? 1024, created_at: now + i }));
  const fileExists = (accountId, fileId) => state.automationFiles.some((f) => f.account_id === accountId && f.id === fileId);

  // ---- Matching (matching.rs) ----
  const splitWords = (text) => fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  /** A keyword's words compiled: `{ok, find(text) → index | null}` or `{ok: false, problem}`. */
  const matcher = (kind, list) => {
    if (kind === "regex") {
      const out = [];
      for (const word of list) {
        if (!word.trim()) return { ok: false, problem: `"${word}" não tem letras nem números: não responderia a nada.` };
        try {
          out.push(new RegExp(fold(word), "u"));
        } catch (e) {
          return { ok: false, problem: `A expressão regular "${word}" não é válida: ${e.message}` };
        }
      }
      return { ok: true, regex: true, find: (text) => { const i = out.findIndex((r) => r.test(fold(text))); return i < 0 ? null : i; } };
    }
    const each = [];
    for (const word of list) {
      const split = splitWords(word);
      if (!split.length) return { ok: false, problem: `"${word}" não tem letras nem números: não responderia a nada.` };
      each.push(split);
    }
    const hit = (w, text) => kind === "exact" ? same(text, w)
      : kind === "starts_with" ? same(text.slice(0, w.length), w)
      : text.some((_, i) => same(text.slice(i, i + w.length), w));
    return { ok: true, regex: false, find: (text) => { const t = splitWords(text); const i = each.findIndex((w) => hit(w, t)); return i < 0 ? null : i; } };
  };
  const ranked = (list, text) => list
    .map((k) => ({ k, m: matcher(k.match_kind, k.words) }))
    .filter(({ m }) => m.ok)
    .map(({ k, m }) => ({ k, word: m.find(text) }))
    .filter((h) => h.word !== null)
    .sort((a, b) => b.k.priority - a.k.priority || a.k.created_at - b.k.created_at);

  // ---- Keywords (keywords.rs) ----
  const emptyActions = { reply: null, add_tags: [], remove_tags: [], set_field: null, start_flow: null, handoff: null };
  state.keywords = (given.keywords ?? []).map((k, i) => ({
    id: id(), account_id: accountAt(k.account), name: k.name, match_kind: k.match_kind ?? "contains", words: k.words,
    numbers: (k.numbers ?? []).map((n) => state.numbers[n].number.id), priority: k.priority ?? 0, enabled: k.enabled ?? true,
    cooldown_minutes: k.cooldown_minutes ?? 0, actions: { ...emptyActions, ...k.actions }, created_at: k.createdAt ?? now + i, updated_at: now + i,
  }));
  const keywordsOf = (accountId) => state.keywords.filter((k) => k.account_id === accountId)
    .sort((a, b) => b.priority - a.priority || a.created_at - b.created_at);
  const numberExists = (accountId, numberId) => state.numbers.some((n) => n.number.account_id === accountId && n.number.id === numberId);
  const overlap = (a, b) => !a.length || !b.length || a.some((n) => b.includes(n));

  /** Every problem of `input` as [part, code, message], and the keyword cleaned. */
  const examine = (accountId, input) => {
    const problems = [];
    const named = cleanName(input.name);
    if (named.problem) problems.push(["name", ...named.problem]);
    const seen = new Set();
    const words = input.words.map((w) => w.trim()).filter((w) => w && !seen.has(fold(w)) && seen.add(fold(w)));
    let compiled = null;
    if (!words.length) problems.push(["words", "keyword_invalid", "Escreva ao menos uma palavra."]);
    else {
      compiled = matcher(input.match_kind, words);
      if (!compiled.ok) {
        problems.push(["words", "keyword_invalid", compiled.problem]);
        compiled = null;
      }
    }
    const numbers = [];
    for (const n of input.numbers) {
      if (numbers.includes(n)) continue;
      if (!numberExists(accountId, n)) {
        problems.push(["numbers", "number_unknown", "Um dos números escolhidos não existe mais nesta conta."]);
        break;
      }
      numbers.push(n);
    }
    const actions = structuredClone(input.actions);
    const empty = !actions.reply && !actions.add_tags.length && !actions.remove_tags.length && !actions.set_field && !actions.start_flow && !actions.handoff;
    if (empty) problems.push(["actions", "keyword_invalid", "Escolha ao menos uma ação (responder, etiquetar, iniciar um fluxo…)."]);
    const text = (raw, mayBeEmpty) => {
      if (!raw.trim()) return mayBeEmpty ? null : ["message_empty", "Escreva a resposta ou escolha um arquivo."];
      if ([...raw].length > 4096) return ["message_too_long", "A mensagem pode ter até 4096 caracteres, o limite do WhatsApp."];
      const e = catching(() => parseTemplate(accountId, raw));
      return e ? [e.code, e.message] : null;
    };
    if (actions.reply?.kind === "text") {
      actions.reply.text = actions.reply.text.trim();
      const p = text(actions.reply.text, false);
      if (p) problems.push(["reply", ...p]);
    } else if (actions.reply?.kind === "file") {
      actions.reply.caption = actions.reply.caption.trim();
      if (!fileExists(accountId, actions.reply.file)) problems.push(["reply", "automation_file_unknown", "Este arquivo não existe mais. Escolha o arquivo de novo."]);
      const p = text(actions.reply.caption, true);
      if (p) problems.push(["reply", ...p]);
    }
    const tags = state.tags.filter((x) => x.account_id === accountId);
    let missing = null;
    const stored = (list) => {
      const out = [];
      for (const name of list.filter((n) => n.trim())) {
        const tag = tags.find((x) => fold(x.name) === fold(name.trim()));
        if (!tag) missing ??= name.trim();
        else if (!out.includes(tag.name)) out.push(tag.name);
      }
      return out;
    };
    actions.add_tags = stored(actions.add_tags);
    actions.remove_tags = stored(actions.remove_tags);
    if (missing) problems.push(["tags", "tag_unknown", `A etiqueta "${missing}" não existe nesta conta. Crie-a em Configurações ou escolha outra.`]);
    if (actions.set_field) {
      const set = actions.set_field;
      set.field = set.field.trim();
      const field = state.fields.find((f) => f.account_id === accountId && f.key === set.field);
      if (!field) problems.push(["field", "field_unknown", `O campo "${set.field}" não existe nesta conta.`]);
      else {
        set.value = set.value.trim();
        const e = set.value.includes("{") ? catching(() => parseTemplate(accountId, set.value)) : catching(() => canonical(field, set.value));
        if (e) problems.push(["field", e.code, e.message]);
      }
    }
    if (actions.start_flow) {
      const flow = state.flows.find((f) => f.account_id === accountId && f.id === actions.start_flow);
      if (!flow) problems.push(["flow", "flow_unknown", "Este fluxo não existe mais."]);
      else if (!flow.published_version_id) problems.push(["flow", "flow_not_published", "Este fluxo ainda não foi publicado. Publique-o antes de usá-lo."]);
    }
    if (actions.handoff) {
      actions.handoff.note = actions.handoff.note.trim();
      if (actions.handoff.assign && !state.users.some((u) => u.id === actions.handoff.assign)) problems.push(["handoff", "user_unknown", "Este atendente não existe mais. Escolha outro ou deixe sem responsável."]);
    }
    if (actions.start_flow && actions.handoff) problems.push(["actions", "keyword_invalid", "Escolha entre iniciar um fluxo e passar para um atendente: as duas ações juntas se contradizem."]);
    return { clean: { name: named.name ?? "", words, numbers, actions, compiled }, problems };
  };

  /** Enabled keywords of the same priority on a shared number that fire on a message this one fires on. */
  const conflictsOf = (accountId, clean, priority, editing) => {
    if (!clean.compiled) return [];
    const own = clean.compiled.regex ? [] : clean.words;
    const found = [];
    for (const other of keywordsOf(accountId)) {
      if (!other.enabled || other.priority !== priority || other.id === editing || !overlap(clean.numbers, other.numbers)) continue;
      const theirs = matcher(other.match_kind, other.words);
      if (!theirs.ok) continue;
      const example = [...own, ...(theirs.regex ? [] : other.words)].find((s) => clean.compiled.find(s) !== null && theirs.find(s) !== null);
      if (example !== undefined) found.push({ other: other.id, other_name: other.name, example });
    }
    return found;
  };
  const conflictMessage = (c) => `A palavra-chave "${c.other_name}", com a mesma prioridade, também responderia a "${c.example}". Mude a prioridade de uma delas ou as palavras.`;
  const accepted = (accountId, input, editing) => {
    account(accountId);
    const { clean, problems } = examine(accountId, input);
    if (problems.length) fail(problems[0][1], problems[0][2]);
    if (input.enabled) {
      const [c] = conflictsOf(accountId, clean, input.priority, editing);
      if (c) fail("keyword_conflict", conflictMessage(c));
    }
    return clean;
  };
  const keywordOf = (accountId, keywordId) => state.keywords.find((k) => k.account_id === accountId && k.id === keywordId) ?? fail("keyword_unknown", "Esta palavra-chave não existe mais.");
  const store = (k, input, clean) => Object.assign(k, {
    name: clean.name, match_kind: input.match_kind, words: clean.words, numbers: clean.numbers, priority: input.priority,
    enabled: input.enabled, cooldown_minutes: input.cooldown_minutes, actions: clean.actions, updated_at: Date.now(),
  });

  // ---- Flows (flow.rs, flow_check.rs, flows.rs) ----
  const starter = () => ({
    schema: 1, start: "inicio", edges: [],
    nodes: [{ id: "inicio", position: { x: 0, y: 0 }, type: "send", content: { kind: "text", text: "Olá! Recebemos sua mensagem e já vamos responder." }, typing_ms: 1500 }],
  });
  state.flows = [];
  state.flowVersions = [];
  state.flowSessions = {};
  const publishDraft = (flow, at) => {
    const number = Math.max(0, ...state.flowVersions.filter((v) => v.flow_id === flow.id).map((v) => v.number)) + 1;
    const v = { id: id(), account_id: flow.account_id, flow_id: flow.id, number, document: structuredClone(flow.draft), published_at: at, published_by: "Ana" };
    state.flowVersions.push(v);
    flow.published_version_id = v.id;
    return v;
  };
  state.flowStarted = {};
  state.flowAnalytics = {};
  for (const [i, f] of (given.flows ?? []).entries()) {
    const flow = {
      id: id(), account_id: accountAt(f.account), name: f.name, draft: structuredClone(f.document ?? starter()), revision: 1,
      published_version_id: null, triggers: f.triggers ?? [], enabled: f.enabled ?? true, created_at: now + i, updated_at: now + i,
    };
    state.flows.push(flow);
    if (f.published) publishDraft(flow, now + i);
    state.flowSessions[flow.id] = f.activeSessions ?? 0;
    state.flowStarted[flow.id] = f.sessionsStarted ?? 0;
    if (f.analytics) state.flowAnalytics[flow.id] = f.analytics;
  }
  // Campaigns seeded with the flow their replies start (mock-backend.mjs made them).
  for (const [i, c] of (seed.campaigns ?? []).entries()) {
    if (c.replyFlow) state.campaigns[i].reply_flow_id = state.flows.find((f) => f.name === c.replyFlow).id;
  }
  const flowOf = (accountId, flowId) => state.flows.find((f) => f.account_id === accountId && f.id === flowId) ?? fail("flow_unknown", "Este fluxo não existe mais.");
  const byName = (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const sorted = (v) => (Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);
  const sameDoc = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
  const flowName = (accountId, raw, except) => {
    const named = cleanName(raw);
    if (named.problem) fail(...named.problem);
    const taken = state.flows.find((f) => f.account_id === accountId && f.id !== except && fold(f.name) === fold(named.name));
    if (taken) fail("flow_duplicate", `Já existe um fluxo chamado "${taken.name}" nesta conta. Escolha outro nome.`);
    return named.name;
  };
  const current = (doc) => {
    if (doc.schema > 1) fail("flow_invalid", "Este fluxo foi feito por uma versão mais nova do ZapDesk. Atualize o ZapDesk para abri-lo.");
    return { ...structuredClone(doc), schema: 1 };
  };
  const stale = (flow) => fail("flow_stale", "Este fluxo foi alterado em outro lugar desde que você o abriu. Recarregue para ver a versão atual; suas alterações não foram salvas.");

  const handles = (node) => {
    switch (node.type) {
      case "send": case "tags": case "set_field": case "delay": return ["next"];
      case "menu": return [...node.options.map((o) => `option:${o.id}`), "other"];
      case "ask": return ["next", "failed", ...(node.timeout_minutes != null ? ["timeout"] : [])];
      case "condition": return ["true", "false"];
      case "http": return ["next", "error"];
      case "ai": return ["next", "handoff"];
      case "randomizer": return node.splits.map((s) => `branch:${s.id}`);
      default: return [];
    }
  };
  /** flow_check::check, its loop search aside: [node, code, message, severity]. */
  const flowProblems = (accountId, doc) => {
    const out = [];
    const push = (node, code, message, severity = "error") => out.push({ node, code, message, severity });
    const nodes = new Map();
    for (const n of doc.nodes) {
      if (nodes.has(n.id)) push(n.id, "node_twice", "Dois blocos têm o mesmo id.");
      nodes.set(n.id, n);
    }
    if (!nodes.has(doc.start)) push(null, "start_missing", "O fluxo não tem um bloco inicial.");
    const taken = new Set();
    const next = new Map();
    for (const e of doc.edges) {
      const from = nodes.get(e.from);
      if (!from) { push(null, "edge_from_unknown", `A ligação ${e.id} aponta para um bloco que não existe.`); continue; }
      if (!nodes.has(e.to)) { push(e.from, "edge_to_unknown", `A ligação ${e.id} aponta para um bloco que não existe.`); continue; }
      if (!handles(from).includes(e.handle)) { push(e.from, "handle_unknown", `Este bloco não tem a saída "${e.handle}".`); continue; }
      const key = `${e.from}\u0000${e.handle}`;
      if (taken.has(key)) { push(e.from, "handle_twice", `A saída "${e.handle}" está ligada a mais de um bloco.`); continue; }
      taken.add(key);
      next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    }
    const reach = new Set([doc.start]);
    const stack = [doc.start];
    while (stack.length) for (const to of next.get(stack.pop()) ?? []) if (!reach.has(to)) { reach.add(to); stack.push(to); }
    const fieldKeys = state.fields.filter((f) => f.account_id === accountId).map((f) => f.key);
    const tagNames = state.tags.filter((x) => x.account_id === accountId).map((x) => fold(x.name.trim()));
    const flowIds = state.flows.filter((f) => f.account_id === accountId).map((f) => f.id);
    for (const n of doc.nodes) {
      if (nodes.has(doc.start) && !reach.has(n.id)) push(n.id, "unreachable", "Nenhum caminho chega a este bloco.");
      for (const h of handles(n)) {
        if (taken.has(`${n.id}\u0000${h}`)) continue;
        if (h === "next") push(n.id, "ends_here", "O fluxo termina aqui.", "warning");
        else push(n.id, "branch_nowhere", `A saída "${h}" não leva a nenhum bloco.`);
      }
      const field = (key) => fieldKeys.includes(key) || push(n.id, "field_unknown", `O campo "${key}" não existe nesta conta.`);
      const tag = (name) => tagNames.includes(fold(name.trim())) || push(n.id, "tag_unknown", `A etiqueta "${name}" não existe nesta conta.`);
      const empty = (text) => !text.trim() && push(n.id, "text_empty", "A mensagem está vazia.");
      switch (n.type) {
        case "send": if (n.content.kind === "text") empty(n.content.text); break;
        case "menu": if (!n.options.length) push(n.id, "menu_empty", "O menu não tem opções."); empty(n.question); break;
        case "ask": empty(n.question); if (n.field) field(n.field); break;
        case "condition":
          for (const r of n.rules) {
            if (r.subject.kind === "field") field(r.subject.key);
            if (r.subject.kind === "tag") tag(r.subject.key);
            if (r.operator === "matches" && catching(() => new RegExp(r.value))) push(n.id, "pattern_invalid", `A expressão regular "${r.value}" não é válida.`);
          }
          break;
        case "tags": [...n.add, ...n.remove].forEach(tag); break;
        case "set_field": field(n.field); break;
        case "http": if (!n.url.trim()) push(n.id, "url_missing", "Informe o endereço (URL) da requisição."); n.save.forEach((m) => field(m.field)); break;
        case "randomizer": { const total = n.splits.reduce((s, x) => s + x.percent, 0); if (total !== 100) push(n.id, "splits_not100", `As porcentagens somam ${total}%, não 100%.`); break; }
        case "go_to_flow": if (!flowIds.includes(n.flow)) push(n.id, "flow_unknown", `O fluxo ${n.flow} não existe.`); break;
      }
    }
    return out;
  };

  // flow.rs `parse`: JSON first (where it breaks), then the first node or edge that does not read.
  const NODE_TYPES = ["send", "menu", "ask", "condition", "tags", "set_field", "delay", "http", "ai", "randomizer", "go_to_flow", "handoff", "end"];
  const REQUIRED = {
    send: { content: "object", typing_ms: "number" }, menu: { question: "string", options: "array", retry: "string", tries: "number" },
    ask: { question: "string", answer: "string", retry: "string", tries: "number" }, condition: { combine: "string", rules: "array" },
    tags: { add: "array", remove: "array" }, set_field: { field: "string", value: "string" }, delay: { minutes: "number" },
    http: { method: "string", url: "string", headers: "array", timeout_ms: "number", save: "array" }, ai: { instructions: "string", max_chars: "number" },
    randomizer: { splits: "array" }, go_to_flow: { flow: "string" }, handoff: { note: "string" }, end: {},
  };
  const kindOf = (v) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  const nodeIssue = (n) => {
    if (kindOf(n) !== "object") return "invalid type: expected struct Node";
    if (typeof n.id !== "string") return "missing field `id`";
    if (kindOf(n.position) !== "object" || typeof n.position.x !== "number" || typeof n.position.y !== "number") return "missing field `position`";
    if (!NODE_TYPES.includes(n.type)) return `unknown variant \`${n.type}\``;
    for (const [field, kind] of Object.entries(REQUIRED[n.type])) {
      if (!(field in n)) return `missing field \`${field}\``;
      if (kindOf(n[field]) !== kind) return `invalid type: ${kindOf(n[field])} ${JSON.stringify(n[field])}, expected ${kind}`;
    }
    return null;
  };
  // flow.rs `parse` as flows_check_text reports it: `{value}`, or `{place, message}` (place null: a newer schema).
  const readText = (json) => {
    const malformed = (place, where, detail) => ({ place, message: `O arquivo não é um fluxo válido: erro ${where} (${detail}).` });
    let value;
    try {
      value = JSON.parse(json);
    } catch (e) {
      // V8 names the position in most messages; an early end is at the end.
      const m = /position (\d+)/.exec(e.message);
      const offset = m ? Number(m[1]) : json.length;
      const before = json.slice(0, offset).split("\n");
      const line = before.length;
      const column = new TextEncoder().encode(before.at(-1)).length + 1;
      return malformed({ kind: "text", line, column }, `na linha ${line}, coluna ${column}`, e.message);
    }
    if (typeof value?.schema === "number" && value.schema > 1) {
      return { place: null, message: "Este fluxo foi feito por uma versão mais nova do ZapDesk. Atualize o ZapDesk para abri-lo." };
    }
    const label = (word, i, item) => `${word} ${i + 1}${typeof item?.id === "string" ? ` (${item.id})` : ""}`;
    const idOf = (item) => (typeof item?.id === "string" ? item.id : null);
    for (const [i, n] of (Array.isArray(value?.nodes) ? value.nodes : []).entries()) {
      const issue = nodeIssue(n);
      if (issue) return malformed({ kind: "node", index: i, id: idOf(n) }, label("no bloco", i, n), issue);
    }
    for (const [i, e] of (Array.isArray(value?.edges) ? value.edges : []).entries()) {
      const missing = ["id", "from", "handle", "to"].find((k) => typeof e?.[k] !== "string");
      if (missing) return malformed({ kind: "edge", index: i, id: idOf(e) }, label("na ligação", i, e), `invalid type for \`${missing}\``);
    }
    const missing = ["schema", "start", "nodes", "edges"].find((k) => !(k in (value ?? {})));
    if (missing) return malformed({ kind: "document" }, "nos campos do documento", `missing field \`${missing}\``);
    return { value };
  };
  const parseDocument = (json) => {
    const read = readText(json);
    if (!read.value) fail("flow_invalid", read.message);
    return read.value;
  };

  const summary = (f) => {
    const v = state.flowVersions.find((x) => x.id === f.published_version_id);
    return {
      id: f.id, name: f.name, revision: f.revision, published: v ? { id: v.id, number: v.number, published_at: v.published_at } : null,
      draft_changed: v ? !sameDoc(v.document, f.draft) : true, triggers: f.triggers, enabled: f.enabled,
      active_sessions: (state.flowSessions[f.id] ?? 0) + state.botSessions.filter((x) => x.flow_id === f.id && x.status === "active").length,
      sessions_started: state.flowStarted[f.id] ?? 0, last_published_by: v?.published_by ?? null,
      created_at: f.created_at, updated_at: f.updated_at,
    };
  };
  const versionSummary = (flow) => (v) => ({ id: v.id, number: v.number, published_at: v.published_at, published_by: v.published_by, current: flow.published_version_id === v.id });
  const exclusive = (tr) => (tr.on === "first_message" ? [false, tr.numbers] : tr.on === "no_match" ? [true, tr.numbers] : null);
  const noOverlap = (accountId, flowId, triggers) => {
    for (const other of state.flows.filter((f) => f.account_id === accountId && f.enabled && f.id !== flowId).sort(byName)) {
      for (const mine of triggers.map(exclusive).filter(Boolean)) {
        for (const theirs of other.triggers.map(exclusive).filter(Boolean)) {
          if (mine[0] !== theirs[0] || !overlap(mine[1], theirs[1])) continue;
          fail("flow_trigger_conflict", mine[0]
            ? `O fluxo "${other.name}" já é a resposta padrão (sem correspondência) em um dos mesmos números. Escolha outros números ou desligue um dos dois.`
            : `O fluxo "${other.name}" já começa com a primeira mensagem de um contato em um dos mesmos números. Escolha outros números ou desligue um dos dois.`);
        }
      }
    }
  };

  // The AI key (zapdesk-automation's secret.rs): whether this computer keeps one (the
  // origin it was kept for and a refusal are not modelled here).
  state.aiKeys = {};
  if (given.aiKey) state.aiKeys[accountAt(0)] = true;
  Object.assign(handlers, {
    // crates/app/src/automation.rs: the key is kept for the origin of the
    // address saved then, and sent only there (secret.rs `refusal`).
    automation_ai_key_status: ({ account: accountId }) => {
      account(accountId);
      const kept = state.aiKeys[accountId];
      if (kept === undefined) return { kept: false, origin: null, refused: null };
      const origin = kept === true ? null : kept;
      const url = settingsOf(accountId).ai_base_url;
      const now = url ? originOf(url) : null;
      const refused = !url ? null : origin === null ? "origin_unknown" : now !== origin ? "other_address" : null;
      return { kept: true, origin, refused };
    },
    automation_ai_key_set: ({ account: accountId, key }) => {
      account(accountId);
      if (key === null) {
        delete state.aiKeys[accountId];
        return null;
      }
      const trimmed = key.trim();
      if (!trimmed || !/^[\x21-\x7e]+$/.test(trimmed)) fail("automation_settings_invalid", "A chave da IA não parece válida: cole-a de novo, sem espaços nem quebras de linha.");
      const url = settingsOf(accountId).ai_base_url;
      if (!url) fail("automation_settings_invalid", "Salve primeiro o endereço da IA (URL base) nas configurações do bot: a chave da IA fica guardada para esse endereço e só é enviada a ele.");
      state.aiKeys[accountId] = originOf(url);
      return null;
    },
    automation_settings_get: ({ account: accountId }) => { account(accountId); return settingsOf(accountId); },
    automation_settings_save: ({ account: accountId, settings }) => {
      account(accountId);
      const clean = validateSettings(settings);
      state.automationSettings[accountId] = clean;
      return clean;
    },
    automation_files_upload: ({ account: accountId, file }) => {
      account(accountId);
      if (/\.(exe|bat|sh|js)$/i.test(file.name)) fail("attachment_blocked", `Arquivos .${file.name.split(".").pop()} não podem ser enviados (programas e scripts são bloqueados).`);
      const size = Math.floor((file.data.length * 3) / 4) - (file.data.match(/=*$/)?.[0].length ?? 0);
      if (size === 0) fail("attachment_blocked", "O arquivo está vazio.");
      const kind = file.mime.startsWith("image/") ? "image" : file.mime.startsWith("audio/") ? "audio" : "document";
      const f = { id: id(), account_id: accountId, name: file.name, mime: file.mime || "application/octet-stream", kind, size, created_at: Date.now() };
      state.automationFiles.push(f);
      return f;
    },
    automation_files_list: ({ account: accountId }) => state.automationFiles.filter((f) => f.account_id === accountId).sort((a, b) => b.created_at - a.created_at),

    keywords_list: ({ account: accountId }) => { account(accountId); return keywordsOf(accountId); },
    keywords_check: ({ account: accountId, input, editing }) => {
      const { clean, problems } = examine(accountId, input);
      return {
        conflicts: conflictsOf(accountId, clean, input.priority, editing),
        problems: problems.map(([part, code, message]) => ({ part, code, message })),
      };
    },
    keywords_create: ({ account: accountId, input }) => {
      const clean = accepted(accountId, input, null);
      const at = Date.now();
      const k = store({ id: id(), account_id: accountId, created_at: at }, input, clean);
      state.keywords.push(k);
      return k;
    },
    keywords_update: ({ account: accountId, id: keywordId, input }) => {
      const clean = accepted(accountId, input, keywordId);
      return store(keywordOf(accountId, keywordId), input, clean);
    },
    keywords_set_enabled: ({ account: accountId, id: keywordId, enabled }) => {
      const k = keywordOf(accountId, keywordId);
      if (enabled && !k.enabled) {
        const compiled = matcher(k.match_kind, k.words);
        const [c] = conflictsOf(accountId, { words: k.words, numbers: k.numbers, compiled: compiled.ok ? compiled : null }, k.priority, k.id);
        if (c) fail("keyword_conflict", conflictMessage(c));
      }
      Object.assign(k, { enabled, updated_at: Date.now() });
      return k;
    },
    keywords_delete: ({ account: accountId, id: keywordId }) => {
      keywordOf(accountId, keywordId);
      state.keywords = state.keywords.filter((k) => k.id !== keywordId);
      return null;
    },
    keywords_explain: ({ account: accountId, number, text }) => {
      if (number !== null && !numberExists(accountId, number)) fail("number_unknown", "Um dos números escolhidos não existe mais nesta conta.");
      const settings = settingsOf(accountId);
      const handoff = handoffWord(settings, text);
      const inScope = (k) => number === null || !k.numbers.length || k.numbers.includes(number);
      const hits = ranked(keywordsOf(accountId), text);
      const winner = handoff ? null : hits.map((h) => h.k).find((k) => k.enabled && inScope(k)) ?? null;
      const keywords = hits.map(({ k, word }) => ({
        id: k.id, name: k.name, word: k.words[word], priority: k.priority,
        outcome: handoff ? { kind: "handoff_first" } : !k.enabled ? { kind: "off" } : !inScope(k) ? { kind: "not_on_this_number" }
          : winner.id === k.id ? { kind: "fires" }
          : winner.priority > k.priority ? { kind: "lower_priority", winner: winner.id, winner_name: winner.name }
          : { kind: "older_wins", winner: winner.id, winner_name: winner.name },
      }));
      let verdict;
      if (handoff) verdict = { kind: "handoff", word: handoff };
      else if (winner) verdict = { kind: "keyword", id: winner.id, name: winner.name, word: keywords.find((m) => m.id === winner.id).word, priority: winner.priority };
      else {
        const on = (numbers) => !numbers.length || number === null || numbers.includes(number);
        let first = null;
        let none = null;
        for (const f of state.flows.filter((x) => x.account_id === accountId && x.enabled && x.published_version_id).sort(byName)) {
          for (const tr of f.triggers) {
            if (tr.on === "first_message" && !first && on(tr.numbers)) first = { id: f.id, name: f.name, hours: null };
            if (tr.on === "no_match" && !none && on(tr.numbers)) none = { id: f.id, name: f.name, hours: tr.hours };
          }
        }
        verdict = first || none ? { kind: "flows", first_message: first, no_match: none } : { kind: "nothing" };
      }
      return { automation_off: !settings.enabled, verdict, keywords };
    },

    flows_list: ({ account: accountId }) => { account(accountId); return state.flows.filter((f) => f.account_id === accountId).sort(byName).map(summary); },
    flows_get: ({ account: accountId, id: flowId }) => flowOf(accountId, flowId),
    flows_create: ({ account: accountId, name, document }) => {
      account(accountId);
      const clean = flowName(accountId, name, null);
      const at = Date.now();
      const flow = { id: id(), account_id: accountId, name: clean, draft: current(document ?? starter()), revision: 1, published_version_id: null, triggers: [], enabled: true, created_at: at, updated_at: at };
      state.flows.push(flow);
      return flow;
    },
    flows_rename: ({ account: accountId, id: flowId, name }) => {
      const flow = flowOf(accountId, flowId);
      return Object.assign(flow, { name: flowName(accountId, name, flowId), updated_at: Date.now() });
    },
    flows_save_draft: ({ account: accountId, id: flowId, revision, document }) => {
      const flow = flowOf(accountId, flowId);
      const doc = current(document);
      if (flow.revision !== revision) stale(flow);
      Object.assign(flow, { draft: doc, revision: flow.revision + 1, updated_at: Date.now() });
      return { revision: flow.revision, findings: flowProblems(accountId, doc) };
    },
    flows_check: ({ account: accountId, id: flowId }) => flowProblems(accountId, flowOf(accountId, flowId).draft),
    flows_check_text: ({ account: accountId, json }) => {
      const read = readText(json);
      if (!read.value) return { kind: "malformed", place: read.place, message: read.message };
      const document = { ...read.value, schema: 1 };
      return { kind: "read", document, findings: flowProblems(accountId, document) };
    },
    flows_publish: ({ account: accountId, id: flowId, revision }) => {
      const flow = flowOf(accountId, flowId);
      if (flow.revision !== revision) stale(flow);
      const errors = flowProblems(accountId, flow.draft).filter((f) => f.severity === "error");
      if (errors.length) fail("flow_invalid", `O fluxo não pode ser publicado: ${errors.map((f) => (f.node ? `${f.node}: ${f.message}` : f.message)).join(" ")}`);
      const v = publishDraft(flow, Date.now());
      flow.updated_at = v.published_at;
      return versionSummary(flow)(v);
    },
    flows_versions: ({ account: accountId, id: flowId }) => {
      const flow = flowOf(accountId, flowId);
      return state.flowVersions.filter((v) => v.flow_id === flowId).sort((a, b) => b.number - a.number).map(versionSummary(flow));
    },
    flows_restore: ({ account: accountId, id: flowId, version, revision }) => {
      const flow = flowOf(accountId, flowId);
      const v = state.flowVersions.find((x) => x.flow_id === flowId && x.id === version) ?? fail("flow_unknown", "Esta versão do fluxo não existe.");
      if (flow.revision !== revision) stale(flow);
      return Object.assign(flow, { draft: structuredClone(v.document), revision: flow.revision + 1, updated_at: Date.now() });
    },
    flows_set_triggers: ({ account: accountId, id: flowId, triggers }) => {
      const flow = flowOf(accountId, flowId);
      const clean = [];
      for (const tr of triggers) {
        if (tr.on === "tag_added" && !state.tags.some((x) => x.account_id === accountId && x.id === tr.tag)) fail("tag_unknown", "Esta etiqueta não existe mais nesta conta.");
        if (tr.on === "no_match" && (tr.hours < 1 || tr.hours > 720)) fail("flow_trigger_invalid", "O intervalo da resposta padrão deve ficar entre 1 hora e 720 horas (30 dias).");
        if (tr.numbers?.some((n) => !numberExists(accountId, n))) fail("number_unknown", "Um dos números escolhidos não existe mais nesta conta.");
        const t = tr.numbers ? { ...tr, numbers: [...new Set(tr.numbers)] } : tr;
        if (!clean.some((c) => JSON.stringify(c) === JSON.stringify(t))) clean.push(t);
      }
      if (flow.enabled) noOverlap(accountId, flowId, clean);
      return Object.assign(flow, { triggers: clean, updated_at: Date.now() });
    },
    flows_set_enabled: ({ account: accountId, id: flowId, enabled }) => {
      const flow = flowOf(accountId, flowId);
      if (enabled && !flow.enabled) noOverlap(accountId, flowId, flow.triggers);
      return Object.assign(flow, { enabled, updated_at: Date.now() });
    },
    flows_delete: ({ account: accountId, id: flowId, endSessions }) => {
      const running = summary(flowOf(accountId, flowId)).active_sessions;
      if (running > 0 && !endSessions) fail("flow_running", `Este fluxo tem ${running} conversa(s) em andamento. Confirme para encerrá-las junto com o fluxo.`);
      const user = keywordsOf(accountId).sort((a, b) => a.name.localeCompare(b.name)).find((k) => k.actions.start_flow === flowId);
      if (user) fail("flow_in_use", `A palavra-chave "${user.name}" inicia este fluxo. Mude a ação dela (ou exclua-a) antes de excluir o fluxo.`);
      state.flows = state.flows.filter((f) => f.id !== flowId);
      state.flowVersions = state.flowVersions.filter((v) => v.flow_id !== flowId);
      state.botSessions = state.botSessions.filter((x) => x.flow_id !== flowId);
      for (const c of state.campaigns.filter((x) => x.reply_flow_id === flowId)) c.reply_flow_id = null;
      return null;
    },
    flows_version: ({ account: accountId, id: flowId, version }) => {
      flowOf(accountId, flowId);
      const v = state.flowVersions.find((x) => x.flow_id === flowId && x.id === version) ?? fail("version_unknown", "Esta versão do fluxo não existe.");
      return { id: v.id, flow_id: v.flow_id, number: v.number, document: structuredClone(v.document), published_at: v.published_at };
    },
    flows_duplicate: ({ account: accountId, id: flowId, name }) => {
      const from = flowOf(accountId, flowId);
      return handlers.flows_create({ account: accountId, name, document: structuredClone(from.draft) });
    },
    flows_analytics: ({ account: accountId, flow: flowId, from, to }) => {
      flowOf(accountId, flowId);
      state.analyticsAsked = [...(state.analyticsAsked ?? []), { from, to }];
      return state.flowAnalytics[flowId] ?? { started: 0, completed: 0, handed_off: 0, active: 0, dropped: 0, went_to: 0, nodes: [], edges: [] };
    },
    ...simulator(),
    flows_import: ({ account: accountId, name, json }) => handlers.flows_create({ account: accountId, name, document: parseDocument(json) }),
    flows_export: ({ account: accountId, id: flowId, version }) => {
      flowOf(accountId, flowId);
      if (version !== null && !state.flowVersions.some((v) => v.flow_id === flowId && v.number === version)) fail("flow_unknown", "Esta versão do fluxo não existe.");
      return given.flowExportPath === undefined ? "/home/ana/Documentos/fluxo.json" : given.flowExportPath;
    },
  });

  // ---- The simulator (a small stand-in for the engine: send, menu, ask,
  // tags, set field, delay, handoff, end; the real engine is tested in Rust) ----
  function simulator() {
    const sims = new Map();
    const edgeTo = (doc, from, handle) => doc.edges.find((e) => e.from === from && e.handle === handle)?.to ?? null;
    const view = (sim) => ({
      id: sim.id, events: sim.events, path: sim.path, node: sim.node, state: sim.state, vars: sim.vars, fields: sim.fields, tags: sim.tags, clock: sim.clock,
    });
    // Runs from `node` until something waits or the session ends.
    const go = (sim, node) => {
      const ran = [];
      const end = (reason) => { sim.state = { kind: "ended", reason: { reason } }; sim.events.push({ kind: "path", nodes: ran }); sim.events.push({ kind: "ended", reason: { reason }, flow_name: null }); };
      for (let steps = 0; node !== null && steps < 64; steps += 1) {
        const n = sim.doc.nodes.find((x) => x.id === node);
        if (!n) return end("broken");
        ran.push(n.id);
        sim.path.push(n.id);
        sim.node = n.id;
        const render = (text) => text.replace(/\{\{(\w+)\}\}/g, (_, k) => sim.vars[k] ?? sim.fields[k] ?? "");
        if (n.type === "send") { sim.events.push({ kind: "bot", text: render(n.content.text ?? n.content.caption), file: null }); node = edgeTo(sim.doc, n.id, "next"); continue; }
        if (n.type === "menu") {
          sim.events.push({ kind: "bot", text: `${n.question}\n\n${n.options.map((o, i) => `${i + 1} - ${o.label}`).join("\n")}`, file: null });
          sim.state = { kind: "waiting_reply", timeout_at: null };
          sim.events.push({ kind: "path", nodes: ran });
          return;
        }
        if (n.type === "ask") {
          sim.events.push({ kind: "bot", text: render(n.question), file: null });
          sim.state = { kind: "waiting_reply", timeout_at: n.timeout_minutes === null ? null : sim.clock + n.timeout_minutes * 60000 };
          sim.events.push({ kind: "path", nodes: ran });
          return;
        }
        if (n.type === "delay") {
          sim.state = { kind: "waiting_timer", at: sim.clock + n.minutes * 60000 };
          sim.events.push({ kind: "path", nodes: ran });
          return;
        }
        if (n.type === "tags") { sim.tags = [...new Set([...sim.tags, ...n.add])].filter((x) => !n.remove.includes(x)); node = edgeTo(sim.doc, n.id, "next"); continue; }
        if (n.type === "set_field") { sim.fields[n.field] = render(n.value); node = edgeTo(sim.doc, n.id, "next"); continue; }
        if (n.type === "handoff") { sim.events.push({ kind: "handoff", note: render(n.note) }); return end("handoff"); }
        if (n.type === "end") return end("done");
        node = null;
      }
      return end("done");
    };
    const reply = (sim, text) => {
      const n = sim.doc.nodes.find((x) => x.id === sim.node);
      sim.vars.ultima_resposta = text;
      if (n.type === "menu") {
        const i = n.options.findIndex((o, j) => text.trim() === String(j + 1) || fold(text) === fold(o.label) || o.synonyms.some((w) => fold(w) === fold(text)));
        return go(sim, edgeTo(sim.doc, n.id, i >= 0 ? `option:${n.options[i].id}` : "other"));
      }
      sim.vars[n.id] = text;
      if (n.field) sim.fields[n.field] = text;
      return go(sim, edgeTo(sim.doc, n.id, "next"));
    };
    const simOf = (simulation) => sims.get(simulation) ?? fail("simulation_unknown", "Esta simulação terminou. Comece outra.");
    return {
      flows_simulate_open: ({ account: accountId, flow: flowId, source, skipCalls }) => {
        const flow = flowOf(accountId, flowId);
        const doc = source.kind === "document" ? source.document
          : (state.flowVersions.find((v) => v.flow_id === flowId && (source.kind === "version_id" ? v.id === source.id : v.number === source.number))
            ?? fail("version_unknown", "Esta versão do fluxo não existe.")).document;
        const errors = flowProblems(accountId, doc).filter((f) => f.severity === "error");
        if (errors.length) fail("flow_invalid", `O fluxo não pode ser publicado: ${errors.map((f) => (f.node ? `${f.node}: ${f.message}` : f.message)).join(" ")}`);
        const sim = { id: id(), flow: flow.id, doc: structuredClone(doc), skipCalls, events: [], path: [], node: null, state: { kind: "none" }, vars: {}, fields: {}, tags: [], clock: Date.now() };
        sims.set(sim.id, sim);
        state.simulations = sims;
        go(sim, doc.start);
        return view(sim);
      },
      flows_simulate_write: ({ simulation, text }) => {
        const sim = simOf(simulation);
        sim.events.push({ kind: "contact", text });
        if (sim.state.kind === "waiting_reply") reply(sim, text);
        return view(sim);
      },
      flows_simulate_advance: ({ simulation }) => {
        const sim = simOf(simulation);
        const at = sim.state.kind === "waiting_timer" ? sim.state.at : sim.state.kind === "waiting_reply" ? sim.state.timeout_at : null;
        if (at === null) return view(sim);
        sim.events.push({ kind: "waited", ms: at - sim.clock, reply: sim.state.kind === "waiting_reply" });
        sim.clock = at;
        go(sim, edgeTo(sim.doc, sim.node, sim.state.kind === "waiting_timer" ? "next" : "timeout"));
        return view(sim);
      },
      flows_simulate_close: ({ simulation }) => { sims.delete(simulation); return null; },
    };
  }

  // ---- The bot in a conversation (sessions.rs) ----
  state.botSessions = [];
  state.botLog = [];
  let seq = 0;
  const convAt = (i) => state.conversations[i];
  const flowNamed = (name) => state.flows.find((f) => f.name === name) ?? fail("flow_unknown", `no seeded flow ${name}`);
  const kindAt = (versionId, node) => state.flowVersions.find((v) => v.id === versionId)?.document.nodes.find((n) => n.id === node)?.type ?? null;
  const logLine = (conv, session, what, detail, at = Date.now()) =>
    state.botLog.push({ seq: ++seq, account_id: conv.account_id, conversation_id: conv.id, session_id: session, at, what, detail });
  const endActive = (conv, reason, at = Date.now()) => {
    let ended = false;
    for (const x of state.botSessions.filter((y) => y.conversation_id === conv.id && y.status === "active")) {
      Object.assign(x, { status: "ended", ended_reason: { reason }, updated_at: at });
      logLine(conv, x.id, "ended", JSON.stringify({ reason }), at);
      ended = true;
    }
    return ended;
  };
  const startSession = (conv, flow, startedBy, at, fill = {}) => {
    endActive(conv, "replaced", at);
    const version = state.flowVersions.find((v) => v.id === flow.published_version_id);
    const node = fill.node ?? version.document.start;
    const x = {
      id: id(), account_id: conv.account_id, conversation_id: conv.id, flow_id: flow.id, version_id: version.id, status: "active",
      node, waiting: fill.waiting ?? { for: "start" }, vars: fill.vars ?? {}, started_by: startedBy, started_at: at, updated_at: at,
    };
    state.botSessions.push(x);
    logLine(conv, x.id, "started", `${flow.name} (${JSON.stringify(startedBy)})`, at);
    return x;
  };
  const by = (b) => {
    if (!b || b === "first_message" || b === "no_match") return { by: b ?? "first_message" };
    if (b.keyword) return { by: "keyword", keyword: state.keywords.find((k) => k.name === b.keyword).id };
    if (b.operator !== undefined) return { by: "manual", operator: b.operator === null ? null : state.users.find((u) => u.name === b.operator).id };
    if (b.tag) return { by: "tag", tag: state.tags.find((x) => x.name === b.tag).id };
    if (b.campaign) return { by: "campaign", campaign: state.campaigns.find((c) => c.name === b.campaign).id };
    return b;
  };
  for (const x of given.sessions ?? []) {
    startSession(convAt(x.conversation ?? 0), flowNamed(x.flow), by(x.startedBy), x.startedAt ?? now, x);
  }
  for (const l of given.log ?? []) logLine(convAt(l.conversation ?? 0), null, l.what, l.detail, l.at ?? now);
  for (const m of given.botMessages ?? []) {
    const ref = m.source === "flow" ? flowNamed(m.ref).id : m.source === "keyword" ? state.keywords.find((k) => k.name === m.ref).id : null;
    window.__MOCK__.message(convAt(m.conversation ?? 0), {
      direction: "outbound", status: "sent", body: m.body, bot_source: m.source, bot_ref: m.ref === undefined ? null : ref, bot_node: m.node ?? null,
    });
  }
  const convOf = (accountId, convId) =>
    state.conversations.find((c) => c.account_id === accountId && c.id === convId) ?? fail("conversation_unknown", "Esta conversa não existe mais.");

  // People first (work.rs): taking over or assigning ends the session.
  const setOwner = handlers.inbox_set_owner;
  const assign = handlers.inbox_assign;
  Object.assign(handlers, {
    inbox_set_owner: (args) => {
      const result = setOwner(args);
      if (args.owner === "human") endActive(convOf(args.account, args.conversation), "stopped");
      return result;
    },
    inbox_assign: (args) => {
      const result = assign(args);
      if (args.user) endActive(convOf(args.account, args.conversation), "stopped");
      return result;
    },
    sessions_active: ({ account: accountId, conversation: convId }) => {
      const x = state.botSessions.filter((y) => y.account_id === accountId && y.conversation_id === convId && y.status === "active")
        .sort((a, b) => b.started_at - a.started_at)[0];
      if (!x) return null;
      const flow = state.flows.find((f) => f.id === x.flow_id);
      const version = state.flowVersions.find((v) => v.id === x.version_id);
      return {
        id: x.id, flow_id: x.flow_id, flow_name: flow.name, version_id: x.version_id, version_number: version.number, node: x.node,
        node_kind: kindAt(x.version_id, x.node), waiting: x.waiting, vars: x.vars, started_by: x.started_by, started_at: x.started_at, updated_at: x.updated_at,
      };
    },
    sessions_log: ({ account: accountId, conversation: convId }) => state.botLog
      .filter((l) => l.account_id === accountId && l.conversation_id === convId)
      .slice(-50)
      .map(({ seq: n, session_id, at, what, detail }) => ({ seq: n, session_id, at, what, detail })),
    sessions_start: ({ account: accountId, conversation: convId, flow: flowId }) => {
      if (!settingsOf(accountId).enabled) fail("automation_settings_invalid", "A automação está desligada nesta conta. Ligue-a em Automação → Configurações para iniciar um fluxo.");
      const conv = convOf(accountId, convId);
      const contact = state.contacts.find((c) => c.id === conv.contact_id);
      if ((contact ? contact.opted_out_at : conv.opted_out_at) !== null) {
        fail("contact_opted_out", "Este contato pediu para não receber mais mensagens: o bot não fala com ele. Se ele voltou atrás, desmarque a opção no contato.");
      }
      const flow = flowOf(accountId, flowId);
      if (!flow.published_version_id) fail("flow_not_published", "Este fluxo ainda não foi publicado. Publique-o antes de usá-lo.");
      const at = Date.now();
      if (conv.owner === "human" || conv.assignee_id !== null) {
        Object.assign(conv, { owner: "bot", assignee_id: null });
        logLine(conv, null, "handed_back", "a flow was started by hand", at);
      }
      return startSession(conv, flow, { by: "manual", operator: state.me }, at).id;
    },
    sessions_stop: ({ account: accountId, conversation: convId }) => endActive(convOf(accountId, convId), "stopped"),
  });
}
