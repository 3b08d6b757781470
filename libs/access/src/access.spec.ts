import { systemContext } from '@engage/context';
import { assertMayAssign, assertMayTouch } from './access';

const as = (role: 'admin' | 'manager' | 'rep', userId = 'u1') => systemContext({ tenantId: 't', userId, role });

describe('record access', () => {
  it('lets reps change only what they own, managers and admins everything', () => {
    expect(() => assertMayTouch(as('rep'), 'contacts', 'update', 'u1')).not.toThrow();
    expect(() => assertMayTouch(as('rep'), 'contacts', 'update', 'u2')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertMayTouch(as('rep'), 'deals', 'delete', null)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertMayTouch(as('manager'), 'contacts', 'delete', 'u2')).not.toThrow();
    expect(() => assertMayTouch(as('admin'), 'deals', 'update', 'u2')).not.toThrow();
  });

  it('keeps reassigning an owner for managers and admins', () => {
    expect(() => assertMayAssign(as('rep'), 'contacts', 'u2', 'u1')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertMayAssign(as('rep'), 'contacts', 'u1', 'u1')).not.toThrow();
    expect(() => assertMayAssign(as('rep'), 'contacts', 'u1', null)).not.toThrow();
    expect(() => assertMayAssign(as('manager'), 'contacts', 'u2', 'u1')).not.toThrow();
  });
});
