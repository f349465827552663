import { validateEnvironment } from '../config/env.schema';

/** The audit settings of env.schema.ts: defaults, and a bad value stops the boot naming the variable. */
describe('audit configuration', () => {
  it('has the documented defaults', () => {
    expect(validateEnvironment({})).toMatchObject({
      AUDIT_EXPORT_PER_MINUTE: 6, AUDIT_TIME_ZONE: 'UTC', AUDIT_AFTER_HOURS: '22:00-06:00', AUDIT_VOLUME_PER_HOUR: 40,
      AUDIT_BREAK_GLASS_REVIEW_HOURS: 72, AUDIT_DENIALS_THRESHOLD: 5, AUDIT_DENIALS_WINDOW_MINUTES: 60,
    });
  });

  it('accepts a configured hospital', () => {
    const env = validateEnvironment({
      AUDIT_TIME_ZONE: 'America/New_York', AUDIT_AFTER_HOURS: '20:30-07:00', AUDIT_VOLUME_PER_HOUR_BY_ROLE: 'nurse=12,registrar=200',
      AUDIT_EXPORT_PER_MINUTE: '2',
    });
    expect(env).toMatchObject({ AUDIT_TIME_ZONE: 'America/New_York', AUDIT_AFTER_HOURS: '20:30-07:00', AUDIT_EXPORT_PER_MINUTE: 2 });
  });

  it.each([
    [{ AUDIT_TIME_ZONE: 'Mars/Olympus_Mons' }, /AUDIT_TIME_ZONE/],
    [{ AUDIT_AFTER_HOURS: '22-6' }, /AUDIT_AFTER_HOURS/],
    [{ AUDIT_AFTER_HOURS: '24:00-06:00' }, /AUDIT_AFTER_HOURS/],
    [{ AUDIT_VOLUME_PER_HOUR_BY_ROLE: 'surgeon=10' }, /AUDIT_VOLUME_PER_HOUR_BY_ROLE/],
    [{ AUDIT_VOLUME_PER_HOUR_BY_ROLE: 'nurse=ten' }, /AUDIT_VOLUME_PER_HOUR_BY_ROLE/],
    [{ AUDIT_EXPORT_PER_MINUTE: '0' }, /AUDIT_EXPORT_PER_MINUTE/],
    [{ AUDIT_DENIALS_THRESHOLD: '1' }, /AUDIT_DENIALS_THRESHOLD/],
  ])('refuses %j', (vars, message) => {
    expect(() => validateEnvironment(vars)).toThrow(message);
  });
});
