import { useEffect, useRef, useState } from "react";
import { useI18n, type MessageKey } from "../../i18n";

/** A recording as MediaRecorder made it; Rust makes it a WhatsApp voice note (Ogg/Opus). */
export type VoiceRecording = { mime: string; data: string };

// The first the recorder takes: Ogg/Opus is what WhatsApp plays (Firefox
// records it); Chromium and WebKit record Opus in WebM, which Rust remuxes;
// AAC in MP4 (some WebKit builds) goes as an audio file.
const TYPES = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/webm", "audio/mp4"];

type State =
  | { step: "idle" }
  | { step: "asking" }
  | { step: "recording"; started: number }
  | { step: "sending" };

/** Why recording cannot start here, before asking: a webview without the APIs says so. */
export function unsupported(): MessageKey | null {
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.getUserMedia) return "inbox.voice.noMediaDevices";
  if (typeof MediaRecorder === "undefined") return "inbox.voice.noRecorder";
  return null;
}

/** The reason a microphone request failed, in the user's words. */
function refusal(e: unknown): MessageKey {
  const name = e instanceof DOMException || e instanceof Error ? e.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "inbox.voice.denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "inbox.voice.noMic";
  if (name === "NotReadableError" || name === "AbortError") return "inbox.voice.busy";
  return "inbox.voice.failed";
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function base64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/**
 * The composer's microphone: records a voice message, shows the time, and
 * cancels or sends it. `onSend` resolves true once queued (the recording is
 * then dropped), false when refused (it is kept, to try again or cancel).
 */
export function VoiceRecorder({ onSend }: { onSend: (recording: VoiceRecording) => Promise<boolean> }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ step: "idle" });
  const [error, setError] = useState<MessageKey | null>(null);
  const [now, setNow] = useState(0);
  const recorder = useRef<MediaRecorder | null>(null);
  const chunks = useRef<Blob[]>([]);
  const stream = useRef<MediaStream | null>(null);
  // False once the recorder is gone: a microphone granted after that (the
  // permission prompt answered after the operator left the conversation)
  // is switched off at once instead of recording on, unseen.
  const alive = useRef(true);
  const missing = unsupported();

  function release() {
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
    recorder.current = null;
  }

  // Leaving the conversation (or the inbox) drops a recording under way and
  // frees the microphone.
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      if (recorder.current && recorder.current.state !== "inactive") {
        recorder.current.ondataavailable = null;
        recorder.current.stop();
      }
      release();
    };
  }, []);

  // The elapsed time, redrawn a few times a second while recording.
  useEffect(() => {
    if (state.step !== "recording") return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [state.step]);

  async function start() {
    setError(null);
    if (missing) {
      setError(missing);
      return;
    }
    setState({ step: "asking" });
    try {
      const media = await navigator.mediaDevices.getUserMedia({ audio: true });
      if (!alive.current) {
        media.getTracks().forEach((track) => track.stop());
        return;
      }
      stream.current = media;
      const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported?.(type));
      const rec = new MediaRecorder(media, mimeType ? { mimeType } : undefined);
      chunks.current = [];
      rec.ondataavailable = (e) => { if (e.data.size > 0) chunks.current.push(e.data); };
      recorder.current = rec;
      // In slices: a long recording is not one buffer held until the end.
      rec.start(1000);
      setState({ step: "recording", started: Date.now() });
    } catch (e) {
      release();
      setError(refusal(e));
      setState({ step: "idle" });
    }
  }

  function cancel() {
    const rec = recorder.current;
    if (rec && rec.state !== "inactive") {
      rec.ondataavailable = null;
      rec.stop();
    }
    chunks.current = [];
    release();
    setState({ step: "idle" });
  }

  async function send() {
    const rec = recorder.current;
    if (!rec) return;
    setState({ step: "sending" });
    // The last slice arrives before `stop`.
    if (rec.state !== "inactive") {
      const stopped = new Promise<void>((resolve) => { rec.onstop = () => resolve(); });
      rec.stop();
      await stopped;
    }
    release();
    const blob = new Blob(chunks.current, { type: rec.mimeType || chunks.current[0]?.type || "" });
    // WebKitGTK without an Opus encoder records MP4 and can hand back nothing
    // at all: said here, not sent as an empty file.
    if (blob.size === 0) {
      setError("inbox.voice.empty");
      setState({ step: "idle" });
      return;
    }
    try {
      const sent = await onSend({ mime: blob.type, data: await base64(blob) });
      if (sent) chunks.current = [];
      else setError("inbox.voice.notSent");
    } finally {
      setState({ step: "idle" });
    }
  }

  if (state.step === "recording" || state.step === "sending") {
    const elapsed = state.step === "recording" ? Math.max(0, now - state.started) : 0;
    return (
      <div className="voice-recording" role="group" aria-label={t("inbox.voice.recording")}>
        <span className="voice-dot" aria-hidden="true" />
        <span className="voice-time" data-testid="voice-time" aria-live="off">{state.step === "sending" ? t("inbox.voice.sending") : clock(elapsed)}</span>
        <button type="button" className="ghost small" onClick={cancel} disabled={state.step === "sending"}>{t("inbox.voice.cancel")}</button>
        <button type="button" className="primary small" onClick={() => void send()} disabled={state.step === "sending"}>{t("inbox.voice.send")}</button>
      </div>
    );
  }
  return (
    <>
      <button type="button" className="ghost small" aria-label={t("inbox.voice.record")} disabled={state.step === "asking"}
        title={missing ? t(missing) : t("inbox.voice.record")} data-unavailable={missing ? "true" : undefined} onClick={() => void start()}>
        <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" d="M12 3a3 3 0 00-3 3v6a3 3 0 006 0V6a3 3 0 00-3-3zM5 11a7 7 0 0014 0M12 18v3" /></svg>
      </button>
      {error && <span className="voice-error" role="alert" data-testid="voice-error">{t(error)}</span>}
    </>
  );
}
