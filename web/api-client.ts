/**
 * The pages are a client of the HTTP API, with the signed-in person's token: the same validation,
 * the same roles, the same problem details. Nothing here decides anything the API decides.
 */
import type { Request } from 'express';
import { tokenOf } from './session.js';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export function apiFor(req: Request) {
  const base = `http://127.0.0.1:${req.socket.localPort}`;
  const token = tokenOf(req);
  return async function api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : (text as T),
    };
  };
}
