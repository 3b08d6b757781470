import { Injectable } from '@nestjs/common';

/**
 * Tells this replica's delivery worker that deliveries became due (a commit that enqueued some),
 * so they go out at once instead of at the next poll. Other replicas find them by polling.
 */
@Injectable()
export class WebhookWorkerSignal {
  private listener: (() => void) | null = null;

  listen(listener: () => void): void {
    this.listener = listener;
  }

  kick(): void {
    this.listener?.();
  }
}
