/**
 * A small method + path router for the stand-in's HTTP server (no framework: the stand-in must
 * answer exactly what the SDK sends, form bodies and all, and nothing more).
 */
import type { EventCause } from './account';
import type { FormReader } from './form';
import type { Json } from './objects';

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  /** The POST body, or the query string for GET and DELETE, as Stripe reads them. */
  form: FormReader;
  cause: EventCause;
}

export type ApiHandler = (request: ApiRequest) => Json;

export interface Route<H> {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: H;
}

export function route<H>(method: string, path: string, handler: H): Route<H> {
  const keys: string[] = [];
  const source = path.replace(/:([a-z_]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), keys, handler };
}

export function matchRoute<H>(routes: readonly Route<H>[], method: string, path: string): { handler: H; params: Record<string, string> } | null {
  for (const r of routes) {
    if (r.method !== method) continue;
    const match = r.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((key, i) => (params[key] = decodeURIComponent(match[i + 1])));
    return { handler: r.handler, params };
  }
  return null;
}
