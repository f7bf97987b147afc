// API keys the worker test project runs with. Rotation times are fixed so tests can place "now" around them.
export const TEST_ACTIVE_KEY = { id: 'test-active', secret: 'test-secret-active-0123456789abcdef' };
export const TEST_SECOND_KEY = { id: 'test-second', secret: 'test-secret-second-0123456789abcdef' };
/** Rotated at 2026-01-01T00:00:00Z: valid until 2026-01-02T00:00:00Z (exclusive). */
export const TEST_ROTATED_KEY = {
  id: 'test-rotated',
  secret: 'test-secret-rotated-0123456789abcdef',
  rotated_at: '2026-01-01T00:00:00Z',
};
export const TEST_HMAC_KEYS = [TEST_ACTIVE_KEY, TEST_SECOND_KEY, TEST_ROTATED_KEY];
