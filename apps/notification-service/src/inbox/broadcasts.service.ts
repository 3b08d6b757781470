import { Inject, Injectable } from '@nestjs/common';
import { type BroadcastView, type CreateBroadcastRequest, MAX_PAGE_LIMIT, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { assertAllowed } from '@engage/access';
import { isoTime, TenantDatabase, timeOrderedId } from '@engage/database';
import { RpcClient } from '@engage/messaging';
import { InboxService } from './inbox.service';

/** Recipients notified per transaction. */
const CHUNK = 200;
const LIST_TIMEOUT_MS = 5000;

/**
 * Admin announcements (`POST /v1/broadcasts`): one notification of kind `broadcast` to every
 * active user of the tenant, the author included. The users come from user-service, asked as the
 * admin (`user.users.list`, page by page). Each chunk of recipients is one transaction, and the
 * notification's source key is the broadcast's id, so a chunk retried never notifies twice.
 */
@Injectable()
export class BroadcastsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly inbox: InboxService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
  ) {}

  async create(ctx: RequestContext, input: CreateBroadcastRequest): Promise<BroadcastView> {
    assertAllowed(ctx, 'notifications', 'create');
    const recipients: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.rpc.request(Subjects.user.users.list, { limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) }, ctx, { timeoutMs: LIST_TIMEOUT_MS });
      for (const user of page.data) if (user.is_active) recipients.push(user.id);
      cursor = page.page.has_more && page.page.next_cursor ? page.page.next_cursor : undefined;
    } while (cursor);

    const id = timeOrderedId();
    const title = input.title.trim();
    const body = input.body.trim();
    const [view] = await this.db.transaction(ctx.tenantId, (tx) =>
      tx.query<BroadcastView>(
        `INSERT INTO notification.broadcasts (tenant_id, id, author_id, title, body, recipients) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, title, body, recipients, ${isoTime('created_at')} AS created_at`,
        [ctx.tenantId, id, ctx.userId, title, body, recipients.length],
      ),
    );
    for (let i = 0; i < recipients.length; i += CHUNK) {
      await this.db.transaction(ctx.tenantId, async (tx) => {
        for (const userId of recipients.slice(i, i + CHUNK)) {
          await this.inbox.notify(tx, ctx.tenantId, userId, { kind: 'broadcast', title, body, data: { broadcast_id: id, author_id: ctx.userId }, sourceKey: `broadcast:${id}` });
        }
      });
    }
    return view;
  }
}
