import { v7 } from 'uuid';

/**
 * Row ids that sort by creation time: UUID version 7 (RFC 9562), from the `uuid` library. New
 * rows land at the right-hand end of a `(tenant_id, id)` index instead of on a random page of it,
 * so a large import keeps touching the same few index pages rather than all of them. The library
 * keeps ids of one process strictly increasing, within a millisecond and when the clock steps
 * back. Ids are never secrets; their random bits keep them unguessable all the same.
 */
export const timeOrderedId = (): string => v7();
