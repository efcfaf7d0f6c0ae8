import { WebhookAddressPolicy } from './webhook-address';

describe('where a webhook may go', () => {
  const policy = new WebhookAddressPolicy(undefined);

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'must be an https:// URL'],
    ['https://169.254.169.254/latest/meta-data/', 'must not point at a linkLocal address'],
    ['https://10.0.0.5:8080/hook', 'must not point at a private address'],
    ['https://192.168.1.10/hook', 'must not point at a private address'],
    ['https://127.0.0.1:3000/graphql', 'must not point at a loopback address'],
    ['https://[::1]/hook', 'must not point at a loopback address'],
    ['https://[::ffff:127.0.0.1]/hook', 'must not point at a loopback address'],
    ['https://100.64.0.1/hook', 'must not point at a carrierGradeNat address'],
    ['https://[fd00::1]/hook', 'must not point at a uniqueLocal address'],
    ['https://224.0.0.1/hook', 'must not point at a multicast address'],
    ['https://0.0.0.0/hook', 'must not point at a unspecified address'],
    ['https://user:secret@hooks.example/x', 'must not carry a user name or password'],
    ['ftp://hooks.example/x', 'must be an https:// URL'],
    ['not a url', 'must be an absolute https:// URL'],
  ])('refuses %s when it is saved', (url, problem) => {
    expect(policy.problemWith(url)).toBe(problem);
  });

  it('accepts https to a public name or address', () => {
    expect(policy.problemWith('https://hooks.example/tracker')).toBeNull();
    expect(policy.problemWith('https://93.184.216.34/hook')).toBeNull();
  });

  it('lets an operator list local receivers: plain http and private addresses for those hosts only', () => {
    const local = new WebhookAddressPolicy('127.0.0.1, hooks.internal');
    expect(local.problemWith('http://127.0.0.1:9000/hook')).toBeNull();
    expect(local.problemWith('http://hooks.internal/hook')).toBeNull();
    expect(local.problemWith('http://10.0.0.5/hook')).toBe('must be an https:// URL');
    expect(local.problemWith('https://10.0.0.5/hook')).toBe('must not point at a private address');
  });

  it('refuses, when connecting, a name that resolves to a loopback address (the resolver of this machine)', async () => {
    const lookup = policy.lookupFor('localhost');
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(error?.code).toBe('EADDRREFUSED');
    const listed = new WebhookAddressPolicy('localhost').lookupFor('localhost');
    const address = await new Promise<unknown>((resolve) => listed('localhost', {}, (_e, a) => resolve(a)));
    expect(String(address)).toMatch(/^(127\.|::1)/);
  });
});
