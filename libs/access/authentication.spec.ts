import { ErrorCode } from '@libs/core/errors/app-error';
import type { Actor } from '@libs/domain/actor';
import { admit, Authentication, presentedCredential } from './authentication';

const viewer: Actor = { id: 'credential:1', role: 'viewer', label: 'v' };
const admin: Actor = { id: 'credential:2', role: 'admin', label: 'a' };
const as = (actor: Actor): Authentication => ({ actor });
const codeOf = (outcome: unknown) => (outcome as { code?: string }).code;

describe('presentedCredential', () => {
  const basic = (userAndPassword: string) => `Basic ${Buffer.from(userAndPassword).toString('base64')}`;
  it.each([
    ['Bearer ktt_abc', {}, 'ktt_abc'],
    ['bearer   ktt_abc', {}, 'ktt_abc'],
    [undefined, {}, null],
    ['', {}, null],
    ['Bearer', {}, null],
    ['Bearer a b', {}, null],
    ['Token ktt_abc', {}, null],
    ['ktt_abc', {}, null],
    [basic('anyone:ktt_abc'), {}, null],
    [basic('anyone:ktt_abc'), { basicPassword: true }, 'ktt_abc'],
    [basic('anyone:a:b'), { basicPassword: true }, 'a:b'],
    [basic('anyone:'), { basicPassword: true }, null],
    [basic('ktt_alone'), { basicPassword: true }, 'ktt_alone'],
    ['Bearer ktt_abc', { basicPassword: true }, 'ktt_abc'],
  ])('%s %j -> %s', (header, options, expected) => {
    expect(presentedCredential(header, options)).toBe(expected);
  });
});

describe('admit: the decision of the guard and the queue board', () => {
  it('lets anyone through a public operation, with or without a credential', () => {
    expect(admit({ actor: null, refusal: 'unauthenticated' }, { public: true }, 'x')).toBeNull();
    expect(admit({ actor: null, refusal: 'unavailable' }, { public: true }, 'x')).toBeNull();
    expect(admit(as(viewer), { public: true }, 'x')).toBe(viewer);
  });

  it('refuses without a valid credential before looking at the rule, and says when the store is away', () => {
    expect(codeOf(admit({ actor: null, refusal: 'unauthenticated' }, { allow: ['admin'] }, 'x'))).toBe(ErrorCode.UNAUTHENTICATED);
    expect(codeOf(admit({ actor: null, refusal: 'unauthenticated' }, { allow: undefined }, 'x'))).toBe(ErrorCode.UNAUTHENTICATED);
    expect(codeOf(admit({ actor: null, refusal: 'unavailable' }, { allow: ['admin'] }, 'x'))).toBe(ErrorCode.SERVICE_UNAVAILABLE);
  });

  it('refuses a person the identity provider vouched for but who has no mapped role as FORBIDDEN, and says when its keys are away', () => {
    const noRole = admit({ actor: null, refusal: 'no-role' }, { allow: ['admin', 'liaison', 'viewer'] }, 'x');
    expect(codeOf(noRole)).toBe(ErrorCode.FORBIDDEN);
    expect((noRole as Error).message).toMatch(/no role in the tracker/);
    const away = admit({ actor: null, refusal: 'idp-unavailable' }, { allow: ['admin'] }, 'x');
    expect(codeOf(away)).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect((away as Error).message).toMatch(/identity provider/);
    expect(admit({ actor: null, refusal: 'no-role' }, { public: true }, 'x')).toBeNull();
  });

  it('admits the roles a rule names and refuses the others', () => {
    expect(admit(as(admin), { allow: ['admin', 'liaison'] }, 'x')).toBe(admin);
    expect(codeOf(admit(as(viewer), { allow: ['admin', 'liaison'] }, 'POST /import/:kind'))).toBe(ErrorCode.FORBIDDEN);
  });

  it('refuses an operation without a rule to everyone, admins included (deny by default)', () => {
    const outcome = admit(as(admin), { allow: undefined }, 'GET /unruled');
    expect(codeOf(outcome)).toBe(ErrorCode.FORBIDDEN);
    expect((outcome as Error).message).toMatch(/deny by default/);
  });
});
