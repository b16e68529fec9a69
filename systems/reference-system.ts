/**
 * What the reference Home Office and HMCTS services share: a durable store of the messages they
 * received, idempotent receipt by key, in-order checking per case, their view of a case, and
 * faults switchable at run time (latency, error rate, full outage, rejection of chosen references).
 */
import { createHmac, randomUUID } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { envelopeReception, type InboundMessage, type Reception } from './reception.js';
import { JsonlStore } from './store.js';

export type { InboundMessage } from './reception.js';

export interface StoredMessage {
  key: string;
  caseId: string;
  seq: number;
  type: string;
  /** When the tracker recorded the change (its workflow time): receipt minus this is the sync lag. */
  at: string;
  receivedAt: string;
  receipt: { receiptId: string; references?: Record<string, string> };
  stage: string;
  status: string;
  /** The references the message named (absent on records stored before they were kept). */
  identifiers?: Record<string, string | undefined>;
  /** The body in the system's own language, when it reads it back (the Home Office's search). */
  body?: unknown;
}

export interface Faults {
  latencyMs: number;
  /** 0..1: the share of deliveries answered 503 before anything is stored. */
  errorRate: number;
  /** Connections to /messages and /cases are cut, as if the system were off. */
  down: boolean;
  /** Case ids or references whose messages are refused for good (422; the Home Office: 400, code 1020). */
  rejectRefs: string[];
}

export interface SystemBehaviour {
  name: string;
  /** The tracker's webhook for this system's own events, if known at start-up. */
  webhook?: { url: string; secret: string };
  /** References this system assigns on a message it has not seen before (HMCTS: its appeal ref). */
  assign?: (message: InboundMessage, earlier: readonly StoredMessage[]) => Record<string, string> | undefined;
  /** The language deliveries arrive in; default our envelope at `/messages`. */
  reception?: Reception;
  /** Routes of its own beside the deliveries (the Home Office's search), reading what it stored. */
  routes?: (app: Express, messages: () => StoredMessage[]) => void;
}

const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, down: false, rejectRefs: [] };

export function createReferenceSystem(behaviour: SystemBehaviour, dataFile: string) {
  const store = new JsonlStore<StoredMessage>(dataFile);
  const byKey = new Map(store.records.map((m) => [m.key, m]));
  // Each case's messages, in the order stored: every message checks its case's earlier ones, and a
  // scan of the whole store for them grew with every case the system had ever heard of.
  const byCase = new Map<string, StoredMessage[]>();
  const index = (m: StoredMessage) => {
    const list = byCase.get(m.caseId);
    if (list) list.push(m);
    else byCase.set(m.caseId, [m]);
  };
  store.records.forEach(index);
  const messagesOf = (caseId: string): readonly StoredMessage[] => byCase.get(caseId) ?? [];
  let faults: Faults = { ...NO_FAULTS };
  const stats = { received: 0, duplicates: 0, injectedErrors: 0, rejected: 0, outOfOrder: 0, gapFills: 0 };

  const reception = behaviour.reception ?? envelopeReception(behaviour.name);
  const app = express();
  app.use(express.json({ limit: '1mb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ system: behaviour.name, status: 'ok' });
  });
  app.get('/admin/faults', (_req, res) => {
    res.json(faults);
  });
  app.put('/admin/faults', (req, res) => {
    faults = { ...NO_FAULTS, ...(req.body as Partial<Faults>) };
    res.json(faults);
  });
  /**
   * Where this system tells the tracker of its own events: the tracker's webhook URL and the shared
   * secret that signs them (set at start-up, or at run time by tests and demos).
   */
  let webhook: { url: string; secret: string } | undefined = behaviour.webhook;
  app.put('/admin/webhook', (req, res) => {
    const { url, secret } = (req.body ?? {}) as { url?: unknown; secret?: unknown };
    if (typeof url !== 'string' || typeof secret !== 'string')
      return res.status(400).json({ error: 'url and secret are required' });
    webhook = { url, secret };
    res.json({ url });
  });

  /**
   * Something happens on this system's side (an appeal registered, a hearing listed, a decision
   * served…): it tells the tracker by signed webhook, retrying with backoff while the tracker is
   * unreachable or answers 5xx. Answers with the event sent and the tracker's reply.
   */
  app.post('/admin/events', async (req, res) => {
    if (!webhook) return res.status(409).json({ error: 'no webhook configured' });
    const event = { id: randomUUID(), occurredAt: new Date().toISOString(), ...(req.body as Record<string, unknown>) };
    const raw = JSON.stringify(event);
    for (let attempt = 1; ; attempt++) {
      try {
        // Signed afresh on each attempt: the signature's time must be within the receiver's window.
        const t = Math.floor(Date.now() / 1000);
        const signature = `t=${t},sha256=${createHmac('sha256', webhook.secret).update(`${t}.${raw}`).digest('hex')}`;
        const answer = await fetch(webhook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': signature },
          body: raw,
          signal: AbortSignal.timeout(15_000),
        });
        const body: unknown = await answer.json().catch(() => undefined);
        if (answer.status < 500 || attempt >= 8)
          return res.status(answer.status < 500 ? 200 : 502).json({ event, status: answer.status, answer: body });
      } catch (err) {
        if (attempt >= 8) return res.status(502).json({ event, error: (err as Error).message });
      }
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5_000)));
    }
  });

  app.get('/admin/stats', (_req, res) => {
    res.json({ ...stats, stored: store.records.length });
  });

  const outage = (req: Request, res: Response, next: () => void) => {
    if (faults.down) return req.socket.destroy();
    next();
  };

  app.post(reception.path, outage, async (req, res) => {
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    // A body the system cannot read is refused before anything else: it changes nothing.
    const reading = reception.read(req);
    if (!reading.ok) return res.status(reading.answer.status).json(reading.answer.body);
    const { message } = reading;
    const reply = ({ status, body }: { status: number; body: unknown }) => res.status(status).json(body);
    const seen = byKey.get(message.key);
    if (seen) {
      stats.duplicates += 1;
      return reply(reception.accepted(seen.receipt, req, false));
    }
    if (Math.random() < faults.errorRate) {
      stats.injectedErrors += 1;
      return res.status(503).json({ error: 'injected failure' });
    }
    const refs = [message.caseId, ...Object.values(message.after.identifiers)];
    if (refs.some((r) => r && faults.rejectRefs.includes(r))) {
      stats.rejected += 1;
      return reply(reception.unknownReference(message, req));
    }
    const earlier = messagesOf(message.caseId);
    const latest = Math.max(0, ...earlier.map((m) => m.seq));
    // In order, or a flagged redelivery into a gap (that sequence number is not held): anything
    // else is a change arriving behind a later one, which a real system must refuse.
    const gapFill = message.redelivery === true && !earlier.some((m) => m.seq === message.seq);
    if (message.seq <= latest && !gapFill) {
      stats.outOfOrder += 1;
      return res.status(409).json({ error: `out of order: seq ${message.seq} after ${latest}` });
    }
    if (gapFill && message.seq < latest) stats.gapFills += 1;
    const references = behaviour.assign?.(message, earlier);
    const stored: StoredMessage = {
      key: message.key,
      caseId: message.caseId,
      seq: message.seq,
      type: message.type,
      at: message.at,
      receivedAt: new Date().toISOString(),
      receipt: { receiptId: reading.receiptId, ...(references ? { references } : {}) },
      stage: message.after.stage,
      status: message.after.status,
      identifiers: message.after.identifiers,
      ...(reading.body !== undefined ? { body: reading.body } : {}),
    };
    store.append(stored);
    byKey.set(stored.key, stored);
    index(stored);
    stats.received += 1;
    reply(reception.accepted(stored.receipt, req, true));
  });

  behaviour.routes?.(app, () => store.records);

  /** Everything received, newest last (the reference notifier's list of escalations). */
  app.get('/messages', outage, (req, res) => {
    const caseId = typeof req.query.caseId === 'string' ? req.query.caseId : undefined;
    res.json({ messages: caseId ? messagesOf(caseId) : store.records });
  });

  /** This system's view of a case, in sequence order (a gap fill is stored after later changes). */
  app.get('/cases/:caseId', outage, (req, res) => {
    const messages = [...messagesOf(String(req.params.caseId))].sort((a, b) => a.seq - b.seq);
    if (messages.length === 0) return res.status(404).json({ error: 'unknown case' });
    const references = Object.assign({}, ...messages.map((m) => m.receipt.references ?? {}));
    const last = messages.at(-1)!;
    res.json({
      caseId: req.params.caseId,
      stage: last.stage,
      status: last.status,
      references,
      messages: messages.map(({ key, seq, type, receivedAt }) => ({ key, seq, type, receivedAt })),
    });
  });

  return { app, store, stats, messagesOf };
}
