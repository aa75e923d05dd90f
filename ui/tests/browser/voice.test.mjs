// Voice messages in the inbox composer (issue 18, item 8), in real Chromium
// with its fake microphone (a beep): the recorder really records, the timer
// runs, the recording is sent as the UI read it, and the bubble plays it.
// Refusals: the microphone denied, and a webview without MediaRecorder.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { openApp, startServer } from "./harness.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BASE = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

// The fake microphone answered at once (no prompt); the other denies every prompt.
let server, withMic, denied;
before(async () => {
  server = await startServer();
  withMic = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"] });
  denied = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE, "--use-fake-device-for-media-stream", "--deny-permission-prompts"] });
});
after(async () => { await withMic?.close(); await denied?.close(); await server?.close(); });

const seed = (extra = {}) => ({
  accounts: [{ name: "Padaria" }],
  numbers: [{ name: "Balcão", status: { state: "connected", me: "5511900000000@c.us" } }],
  conversations: [{ phone: "+5511911110001", name: "Ana", messages: ["Pode mandar um áudio?"] }],
  ...extra,
});

async function openAna(browser, extra) {
  const app = await openApp(browser, server.url, seed(extra));
  await app.page.getByRole("button", { name: "Conversas" }).click();
  await app.page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  return app;
}

test("records from the microphone, shows the time, sends it and the thread plays it", async () => {
  const app = await openAna(withMic);
  const { page } = app;
  await page.getByRole("button", { name: "Gravar mensagem de voz" }).click();
  const time = page.getByTestId("voice-time");
  await time.filter({ hasText: "0:00" }).waitFor();
  // The clock moves while recording (waited for, not slept on).
  await time.filter({ hasText: /^0:0[1-9]$/ }).waitFor();
  await page.getByRole("button", { name: "Enviar áudio" }).click();
  // Sent: the microphone button is back and the bubble plays the audio.
  await page.getByRole("button", { name: "Gravar mensagem de voz" }).waitFor();
  await page.getByTestId("bubble").filter({ has: page.getByTestId("audio") }).waitFor();
  const sent = await page.evaluate(() => window.__MOCK__.state.sentVoices);
  assert.equal(sent.length, 1);
  // What Chromium records: Opus in WebM (Rust remuxes it to Ogg), a real file.
  assert.match(sent[0].mime, /^audio\/webm/);
  assert.equal(sent[0].head, "\x1a\x45\xdf\xa3", "a WebM file (EBML header)");
  assert.ok(sent[0].bytes > 1000, `${sent[0].bytes} bytes for over a second`);
  const calls = (await app.calls()).filter((c) => c.cmd === "inbox_send_voice");
  assert.equal(calls.length, 1, "sent once");
  assert.deepEqual(app.errors, []);
  await app.close();
});

test("a recording cancelled is not sent", async () => {
  const app = await openAna(withMic);
  const { page } = app;
  await page.getByRole("button", { name: "Gravar mensagem de voz" }).click();
  await page.getByTestId("voice-time").waitFor();
  await page.getByRole("button", { name: "Cancelar" }).click();
  await page.getByRole("button", { name: "Gravar mensagem de voz" }).waitFor();
  assert.equal(await page.getByTestId("audio").count(), 0);
  assert.deepEqual(await page.evaluate(() => window.__MOCK__.state.sentVoices), []);
  await app.close();
});

test("the microphone refused: the reason is said and nothing is sent", async () => {
  const app = await openAna(denied);
  const { page } = app;
  await page.getByRole("button", { name: "Gravar mensagem de voz" }).click();
  await page.getByTestId("voice-error").filter({ hasText: "O acesso ao microfone foi negado" }).waitFor();
  assert.equal(await page.getByTestId("voice-time").count(), 0, "not recording");
  assert.deepEqual(await page.evaluate(() => window.__MOCK__.state.sentVoices), []);
  await app.close();
});

test("a webview without MediaRecorder says so on the button and when pressed", async () => {
  const app = await openApp(withMic, server.url, { ...seed(), language: "en" });
  const { page } = app;
  // An older WebKitGTK has getUserMedia but no MediaRecorder.
  await page.addInitScript(() => { delete window.MediaRecorder; });
  await page.reload();
  await page.getByRole("button", { name: "Inbox" }).click();
  await page.getByTestId("chat").filter({ hasText: "Ana" }).click();
  const mic = page.getByRole("button", { name: "Record a voice message" });
  assert.match(await mic.getAttribute("title"), /no audio recorder \(MediaRecorder\)/);
  await mic.click();
  await page.getByTestId("voice-error").filter({ hasText: "Recording is not available in this window" }).waitFor();
  assert.deepEqual(await page.evaluate(() => window.__MOCK__.state.sentVoices), []);
  await app.close();
});

test("a voice note the contact sent plays in the thread", async () => {
  const app = await openAna(withMic);
  const { page } = app;
  await page.getByTestId("bubble").filter({ hasText: "Pode mandar um áudio?" }).waitFor();
  await page.evaluate(() => {
    const { state, message, changed } = window.__MOCK__;
    const conv = state.conversations[0];
    message(conv, { kind: "audio", media_path: "media/in.ogg", media_mime: "audio/ogg; codecs=opus", media_name: null, status: "received" });
    changed(conv.account_id, "messages");
  });
  const player = page.getByTestId("bubble").filter({ has: page.getByTestId("audio") }).getByTestId("audio");
  await player.waitFor();
  assert.equal(await player.getAttribute("controls"), "");
  assert.match(await player.getAttribute("src"), /^data:audio\/ogg; codecs=opus;base64,/);
  assert.equal(await page.locator(".bubble.inbound").filter({ has: page.getByTestId("audio") }).count(), 1, "on the contact's side");
  await app.close();
});

test("a microphone granted after the operator left the conversation is switched off at once", async () => {
  const app = await openAna(withMic, {
    conversations: [
      { phone: "+5511911110001", name: "Ana", messages: ["Pode mandar um áudio?"] },
      { phone: "+5511911110002", name: "Bruno", messages: ["Oi"] },
    ],
  });
  const { page } = app;
  // The permission prompt left unanswered until the test answers it.
  await page.evaluate(() => {
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => new Promise((resolve) => {
      window.__answerMic = async () => { const s = await real(constraints); window.__micStream = s; resolve(s); };
    });
  });
  await page.getByRole("button", { name: "Gravar mensagem de voz" }).click();
  await page.waitForFunction(() => typeof window.__answerMic === "function");
  // The operator opens another conversation, then the prompt is answered.
  await page.getByTestId("chat").filter({ hasText: "Bruno" }).click();
  await page.locator("header.thread-head").filter({ hasText: "Bruno" }).waitFor();
  await page.evaluate(() => window.__answerMic());
  await page.waitForFunction(() => window.__micStream?.getTracks().every((t) => t.readyState === "ended"));
  await page.getByRole("button", { name: "Gravar mensagem de voz" }).waitFor();
  assert.equal(await page.getByTestId("voice-time").count(), 0, "nothing records");
  await app.close();
});
