import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@engage/context';
import { NotFoundError } from '@engage/errors';
import { ContactDirectory, type ContactForContact } from '../compliance/contact-directory';
import { DeviceUsers, type DeviceUser } from '../calls/device-users';

/** Contacts standing in for crm-service: each belongs to the tenant that made it (another tenant gets 404). */
export class KitContacts extends ContactDirectory {
  private readonly contacts = new Map<string, ContactForContact & { tenantId: string }>();

  add(ctx: { tenantId: string; userId: string | null }, fields: Partial<ContactForContact> = {}): ContactForContact {
    const contact = { id: randomUUID(), owner_id: ctx.userId, primary_phone: null, timezone: null, ...fields };
    this.contacts.set(contact.id, { ...contact, tenantId: ctx.tenantId });
    return contact;
  }

  async find(ctx: RequestContext, contactId: string): Promise<ContactForContact> {
    const contact = this.contacts.get(contactId);
    if (!contact || contact.tenantId !== ctx.tenantId) throw new NotFoundError('Contact', contactId);
    const { tenantId: _tenant, ...rest } = contact;
    return rest;
  }
}

/** A clock a test sets (quiet hours, 24-hour windows). */
export class KitClock {
  current = new Date();
  now(): Date {
    return this.current;
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}


/** Users behind browser devices, standing in for user-service: only those a test registered exist. */
export class KitDeviceUsers extends DeviceUsers {
  private readonly users = new Map<string, DeviceUser>();

  set(tenantId: string, userId: string, user: DeviceUser): void {
    this.users.set(`${tenantId}/${userId}`, user);
  }

  async find(tenantId: string, userId: string): Promise<DeviceUser | null> {
    return this.users.get(`${tenantId}/${userId}`) ?? null;
  }
}
