import { DiscardPolicy, type JetStreamManager, nanos, RetentionPolicy, StorageType, type StreamConfig } from 'nats';

export interface StreamSpec {
  name: string;
  subjects: readonly string[];
}

export interface StreamSettings {
  /** How long events are kept: long enough to rebuild a projection from scratch. */
  retentionDays: number;
  replicas?: number;
}

/**
 * Creates the stream, or brings an existing one's subjects and retention up to date. Retention
 * is by age (limits), not "until acked", so a new consumer can replay history.
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, settings: StreamSettings): Promise<void> {
  const config: Partial<StreamConfig> = {
    name: spec.name,
    subjects: [...spec.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.retentionDays * 24 * 60 * 60 * 1000),
    duplicate_window: nanos(2 * 60 * 1000),
    num_replicas: settings.replicas ?? 1,
  };
  try {
    const info = await jsm.streams.info(spec.name);
    const same =
      info.config.max_age === config.max_age &&
      info.config.num_replicas === config.num_replicas &&
      info.config.subjects.join(',') === config.subjects!.join(',');
    if (!same) await jsm.streams.update(spec.name, { ...info.config, ...config });
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    try {
      await jsm.streams.add(config);
    } catch (addError) {
      // Another replica created it first.
      if (!String((addError as Error).message).includes('already in use')) throw addError;
    }
  }
}

export const isStreamNotFound = (error: unknown): boolean =>
  String((error as { message?: string })?.message ?? '').includes('stream not found');
