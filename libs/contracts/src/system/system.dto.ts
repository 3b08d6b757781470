import type { ServiceName } from './system.subjects';

export interface ServiceHealthReply {
  service: ServiceName;
  status: 'up' | 'down';
  checks: Record<string, { status: 'up' | 'down'; message?: string }>;
  version: string;
  uptime_s: number;
}

/** What a service saw of the caller's context: proves headers survive the hop. */
export interface ContextEchoReply {
  service: ServiceName;
  request_id: string;
  tenant_id: string | null;
  user_id: string | null;
  role: string | null;
  traceparent: string | null;
}
