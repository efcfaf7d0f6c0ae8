import { connectionLimitError } from './connection-limits';

describe('connectionLimitError', () => {
  it.each([
    ['55P03', 'a lock wait over lock_timeout', 'CONFLICT'],
    ['57014', 'a statement over statement_timeout', 'SERVICE_UNAVAILABLE'],
    ['25P03', 'a session ended by idle_in_transaction_session_timeout', 'SERVICE_UNAVAILABLE'],
  ])('maps %s (%s) to %s', (sqlState, _what, expected) => {
    expect(connectionLimitError(sqlState)?.code).toBe(expected);
  });

  it('leaves other states to the rest of the mapping', () => {
    expect(connectionLimitError('23505')).toBeUndefined();
    expect(connectionLimitError(undefined)).toBeUndefined();
  });
});
