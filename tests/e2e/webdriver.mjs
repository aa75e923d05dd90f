// A minimal W3C WebDriver client (fetch over HTTP), enough to drive the real
// ZapDesk window through tauri-driver and WebKitWebDriver. No dependencies.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async create(base, capabilities) {
    // The app is up in seconds; one that died at start (a panic in setup)
    // leaves this request hanging, so it gets a bound instead of undici's 300 s.
    const res = await request(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } }, 90_000);
    const session = new Session(base, res.sessionId);
    // Finding an element waits up to this long for it to appear: the only waiting we do.
    await session.cmd("POST", "/timeouts", { implicit: 20000 });
    return session;
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(xpath) {
    let el;
    try {
      el = await this.cmd("POST", "/element", { using: "xpath", value: xpath });
    } catch (e) {
      // A CI failure leaves no screen to look at: say what was sought and
      // what the window showed instead.
      if (!String(e.message).includes("no such element")) throw e;
      throw new Error(`nothing matches ${xpath}\nthe window showed: ${await this.shown()}`);
    }
    return new Element(this, elementId(el));
  }

  /** The window's visible text, squeezed, for a failure's message. */
  async shown() {
    try {
      const text = await this.cmd("POST", "/execute/sync", { script: "return document.body.innerText;", args: [] });
      return String(text).replace(/\s+/g, " ").slice(0, 3000);
    } catch (e) {
      return `(unreadable: ${e.message})`;
    }
  }

  async findAll(xpath) {
    const list = await this.cmd("POST", "/elements", { using: "xpath", value: xpath });
    return list.map((el) => new Element(this, elementId(el)));
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  /**
   * Calls a Tauri command from the page as the UI's bindings do, bypassing
   * the UI: `{ ok }` with the answer or `{ err }` with the `{code, message}`.
   */
  invoke(command, args) {
    const script = `const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
        .then((ok) => done({ ok }), (err) => done({ err }));`;
    return this.cmd("POST", "/execute/async", { script, args: [command, args] });
  }

  close() {
    return this.cmd("DELETE", "");
  }
}

class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }
  click() {
    return this.session.cmd("POST", `/element/${this.id}/click`, {});
  }
  type(text) {
    return this.session.cmd("POST", `/element/${this.id}/value`, { text });
  }
  text() {
    return this.session.cmd("GET", `/element/${this.id}/text`);
  }
  /**
   * Types `text` over what the field holds, as a person does (deleting what
   * is there key by key, then typing), and checks the field then holds
   * exactly `text`. Not WebDriver's clear: it empties the field behind
   * React's back, and a re-render before the keys arrive puts the old value
   * back ("60", cleared, then "0" became "600" now and then). Not Ctrl+A:
   * WebKit does not select inside a number field, nor say where its caret
   * is, so both Backspace and Delete, once per character.
   */
  async replace(text) {
    const BACKSPACE = "\uE003", DELETE = "\uE017";
    const held = String(await this.session.cmd("GET", `/element/${this.id}/property/value`) ?? "");
    const erase = (BACKSPACE + DELETE).repeat(held.length);
    await this.session.cmd("POST", `/element/${this.id}/value`, { text: erase + text });
    const now = await this.session.cmd("GET", `/element/${this.id}/property/value`);
    if (now !== text) throw new Error(`typed ${JSON.stringify(text)} over ${JSON.stringify(held)}, the field holds ${JSON.stringify(now)}`);
  }
  /** Brings the element to the middle of its scrolling box: WebKit clicks an
   * <option> only while its <select> is on screen, and does not scroll to it. */
  scrollIntoView() {
    return this.session.cmd("POST", "/execute/sync", {
      script: "arguments[0].scrollIntoView({ block: 'center' });",
      args: [{ [ELEMENT]: this.id }],
    });
  }
  /** Two clicks in one go, as a double click delivers them: the second
   * arrives before anything the first started has answered. */
  clickTwice() {
    return this.session.cmd("POST", "/execute/sync", {
      script: "arguments[0].click(); arguments[0].click();",
      args: [{ [ELEMENT]: this.id }],
    });
  }
}

function elementId(reference) {
  const id = reference?.[ELEMENT];
  if (!id) throw new Error(`not an element reference: ${JSON.stringify(reference)}`);
  return id;
}

async function request(base, method, path, body, timeoutMs) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
  }).catch((e) => {
    if (e?.name === "TimeoutError") throw new Error(`WebDriver ${method} ${path}: no answer in ${timeoutMs / 1000} s (did the app start?)`);
    throw e;
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || json.value?.error) {
    throw new Error(`WebDriver ${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  }
  return json.value;
}
