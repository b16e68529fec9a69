/**
 * The codec endpoint for Temporal's web UI (#19): payloads are encrypted in Temporal, so its UI
 * shows ciphertext until it asks here. The UI's remote codec protocol: `POST <endpoint>/decode`
 * (and `/encode`) with `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`, answered in
 * the same shape, called from the browser across origins (hence the CORS below). Supervisors and
 * auditors only: decoding is reading people's records. The codec is the API's own Temporal
 * client's, so the endpoint reads exactly what the API can.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { RequestHandler } from 'express';
import { PayloadDecryptionError } from '../../config/payload-codec.js';
import { z } from '../zod.js';
import { HttpProblem, problem } from '../problem.js';
import { route, type Route } from '../route.js';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const jsonPayload = z
  .object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })
  .openapi('CodecPayload');
const codecBody = z.object({ payloads: z.array(jsonPayload).max(1_000) }).openapi('CodecPayloads');
type JsonPayload = z.infer<typeof jsonPayload>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** Through every codec: encode in the order given, decode in the reverse (as the SDK does). */
async function through(codecs: readonly PayloadCodec[], direction: 'encode' | 'decode', payloads: Payload[]) {
  let out = payloads;
  for (const codec of direction === 'encode' ? codecs : [...codecs].reverse()) out = await codec[direction](out);
  return out;
}

export function codecRoutes(codecs: readonly PayloadCodec[]): Route[] {
  const answer = {
    description: 'The payloads, in the order sent',
    content: { 'application/json': { schema: codecBody } },
  };
  const common = {
    method: 'post' as const,
    tags: ['operations'],
    roles: ['supervisor' as const, 'auditor' as const],
    // The Temporal UI in a browser sends either a bearer token or, with "include credentials",
    // the pages' sign-in cookie: a supervisor signed in to the pages can read histories there.
    session: true,
    body: codecBody,
  };
  return [
    route<undefined, z.infer<typeof codecBody>>({
      ...common,
      path: '/codec/decode',
      summary: "Decrypt payloads for Temporal's web UI (its remote codec)",
      responses: {
        200: answer,
        422: { description: 'A payload cannot be decrypted: the problem names its key id (never any key)' },
      },
      async handler({ body }, req, res) {
        // ACCESS TO PERSONAL DATA: a decode hands what people's records hold to the caller (the
        // Temporal UI shows it). The UI does not say which case the payloads are from, so it cannot go
        // in a case's access log: the request log records who decoded how many, and when.
        req.log?.info(
          { sub: req.principal?.sub, role: req.principal?.role, payloads: body.payloads.length },
          'codec decode: personal data shown to the caller',
        );
        try {
          res.json({ payloads: (await through(codecs, 'decode', body.payloads.map(fromJson))).map(toJson) });
        } catch (err) {
          if (err instanceof PayloadDecryptionError) throw new HttpProblem(problem(422, 'undecryptable', err.message));
          throw err;
        }
      },
    }),
    route<undefined, z.infer<typeof codecBody>>({
      ...common,
      path: '/codec/encode',
      summary: "Encrypt payloads for Temporal's web UI (e.g. a signal's input typed there)",
      responses: { 200: answer },
      async handler({ body }, _req, res) {
        res.json({ payloads: (await through(codecs, 'encode', body.payloads.map(fromJson))).map(toJson) });
      },
    }),
  ];
}

/**
 * CORS for the codec routes: the Temporal UI runs on an origin of its own. Only the configured
 * origins may call from a browser, with credentials (the cookie); a call from any other origin
 * is refused outright, whatever it carries.
 */
export function codecCors(allowedOrigins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin) return next(); // not a browser's cross-origin call (curl, a server)
    const ownOrigin = `${req.protocol}://${req.get('host')}`;
    if (!allowedOrigins.includes(origin)) {
      if (origin === ownOrigin) return next();
      throw new HttpProblem(
        problem(403, 'origin-not-allowed', `the origin ${origin} may not call the codec (TEMPORAL_UI_ORIGINS)`),
      );
    }
    res.set({
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      Vary: 'Origin',
    });
    if (req.method !== 'OPTIONS') return next();
    res
      .set({
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization, Authorization-Extras',
        'Access-Control-Max-Age': '600',
      })
      .status(204)
      .end();
  };
}
