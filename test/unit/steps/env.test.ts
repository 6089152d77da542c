import { describe, expect, it } from 'vitest';
import { loadEnv, RejectToleranceEnv } from '../../../steps/env';

describe('RejectToleranceEnv', () => {
  it('decodes REJECT_TOLERANCE to a whole number', () => {
    expect(loadEnv(RejectToleranceEnv, { REJECT_TOLERANCE: '3' })).toEqual({ REJECT_TOLERANCE: 3 });
    expect(loadEnv(RejectToleranceEnv, { REJECT_TOLERANCE: '0' })).toEqual({ REJECT_TOLERANCE: 0 });
  });

  it('leaves REJECT_TOLERANCE out when it is not set, so the tolerance is 0', () => {
    expect(loadEnv(RejectToleranceEnv, {})).toEqual({});
  });

  it.each(['-1', '1.5', 'ten', '', '99999999999999999999'])('fails on REJECT_TOLERANCE=%j, naming the variable and the rule', (value) => {
    expect(() => loadEnv(RejectToleranceEnv, { REJECT_TOLERANCE: value })).toThrow(
      'environment is incomplete: $.REJECT_TOLERANCE: expected whole number of at least 0, got string',
    );
  });
});
