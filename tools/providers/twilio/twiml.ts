/**
 * The little of TwiML the stand-in acts on: `<Hangup/>`/`<Reject/>` end the call, and `<Dial>` rings a
 * second leg (a `<Number>` or `<Client>`), which is how a bridged call or a browser call reaches the
 * contact. Everything else (`<Say>`, `<Play>`, `<Pause>`) is accepted and simply lets the call go on.
 */
export interface DialInstruction {
  target: string;
  callerId?: string;
  /** Seconds the dialled leg may ring (Twilio's default is 30). */
  timeout: number;
  action?: { url: string; method: string };
  statusCallback?: { url: string; method: string; events: string[] };
  record: boolean;
  recordingStatusCallback?: { url: string; method: string; events: string[] };
}

export type TwimlInstruction = { kind: 'hangup' } | { kind: 'dial'; dial: DialInstruction } | { kind: 'continue' };

function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of tag.matchAll(/([A-Za-z]+)\s*=\s*"([^"]*)"/g)) attrs.set(m[1], decodeXml(m[2]));
  return attrs;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

const events = (value: string | undefined, fallback: string[]): string[] =>
  value ? value.split(/[\s,]+/).filter((v) => v !== '') : fallback;

/** Reads the first verb that changes the call's course; `base` resolves relative action URLs. */
export function interpretTwiml(twiml: string, base?: string): TwimlInstruction {
  const verb = /<(Hangup|Reject|Dial)\b[^>]*>/.exec(twiml);
  if (!verb) return { kind: 'continue' };
  if (verb[1] !== 'Dial') return { kind: 'hangup' };
  const dialAttrs = attributes(verb[0]);
  const body = /<Dial\b[^>]*>([\s\S]*?)<\/Dial>/.exec(twiml)?.[1] ?? '';
  const noun = /<(Number|Client)\b([^>]*)>([\s\S]*?)<\/\1>/.exec(body);
  const nounAttrs = noun ? attributes(noun[2]) : new Map<string, string>();
  let target = noun ? decodeXml(noun[3].trim()) : decodeXml(body.trim());
  if (noun?.[1] === 'Client') {
    const identity = /<Identity>([\s\S]*?)<\/Identity>/.exec(noun[3])?.[1] ?? target;
    target = `client:${decodeXml(identity.trim())}`;
  }
  if (target === '') return { kind: 'continue' };
  const resolve = (url: string): string => (base ? new URL(url, base).toString() : url);
  const action = dialAttrs.get('action');
  const statusCallback = nounAttrs.get('statusCallback');
  const recordingCallback = dialAttrs.get('recordingStatusCallback');
  const record = dialAttrs.get('record') ?? 'do-not-record';
  return {
    kind: 'dial',
    dial: {
      target,
      callerId: dialAttrs.get('callerId'),
      timeout: Number(dialAttrs.get('timeout') ?? 30) || 30,
      action: action ? { url: resolve(action), method: dialAttrs.get('method') ?? 'POST' } : undefined,
      statusCallback: statusCallback
        ? {
            url: resolve(statusCallback),
            method: nounAttrs.get('statusCallbackMethod') ?? 'POST',
            events: events(nounAttrs.get('statusCallbackEvent'), ['completed']),
          }
        : undefined,
      record: record !== 'do-not-record' && record !== 'false',
      recordingStatusCallback: recordingCallback
        ? {
            url: resolve(recordingCallback),
            method: dialAttrs.get('recordingStatusCallbackMethod') ?? 'POST',
            events: events(dialAttrs.get('recordingStatusCallbackEvent'), ['completed']),
          }
        : undefined,
    },
  };
}
