import { lesserRole, Roles } from './roles';

describe('lesserRole', () => {
  it('picks the less powerful role, whichever side it is on', () => {
    expect(lesserRole('admin', 'rep')).toBe('rep');
    expect(lesserRole('rep', 'admin')).toBe('rep');
    expect(lesserRole('manager', 'admin')).toBe('manager');
    expect(lesserRole('manager', 'rep')).toBe('rep');
    for (const role of Roles) expect(lesserRole(role, role)).toBe(role);
  });
});
