import { randomUUID } from 'node:crypto';
import { e2eStack } from './e2e-stack';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiRequest {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Sent as-is (for malformed JSON and other raw-body tests). */
  rawBody?: string;
}

/** Speaks HTTP to the gateway, as a client app would. */
export async function api<T = Record<string, unknown>>(path: string, request: ApiRequest = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let body: string | undefined = request.rawBody;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${e2eStack.gatewayUrl()}${path}`, { method: request.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (CSV, HTML)
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export interface TenantSession {
  tenantId: string;
  slug: string;
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export const STRONG_PASSWORD = 'correct horse battery staple 42';

/** A fresh tenant with its admin signed in: each test gets its own, so tests never collide. */
export async function newTenant(label = 'Acme'): Promise<TenantSession> {
  const suffix = randomUUID().slice(0, 8);
  const email = `admin-${suffix}@example.test`;
  const res = await api<{
    tenant: { id: string; slug: string };
    user: { id: string };
    access_token: string;
    refresh_token: string;
  }>('/v1/auth/signup', {
    body: { company_name: `${label} ${suffix}`, full_name: 'Ada Admin', email, password: STRONG_PASSWORD },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    tenantId: res.body.tenant.id,
    slug: res.body.tenant.slug,
    userId: res.body.user.id,
    email,
    password: STRONG_PASSWORD,
    accessToken: res.body.access_token,
    refreshToken: res.body.refresh_token,
  };
}

/** Another user of `tenant` with `role`, signed in. */
export async function newUser(tenant: TenantSession, role: 'admin' | 'manager' | 'rep') {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const created = await api<{ id: string }>('/v1/users', {
    token: tenant.accessToken,
    body: { email, full_name: `Test ${role}`, role, password: STRONG_PASSWORD },
  });
  if (created.status !== 201) throw new Error(`user create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await api<{ access_token: string; refresh_token: string }>('/v1/auth/login', {
    body: { tenant: tenant.slug, email, password: STRONG_PASSWORD },
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: created.body.id, email, accessToken: login.body.access_token, refreshToken: login.body.refresh_token };
}
