import { ok, TestServer } from './server';

let counter = 0;

export const ORGANISATION_FIELDS = `id externalKey name version sizeBand criticalityTier lastReportedAt archivedAt
  primarySector { code srma } secondarySectors { code } state { code region } region
  contacts { role name email timeZone }`;

export async function newOrganisation(server: TestServer, overrides: Record<string, unknown> = {}, token?: string) {
  counter += 1;
  const input = {
    externalKey: `T-${Date.now().toString(36)}-${counter}`,
    name: `Test Water Utility ${counter}`,
    primarySector: 'WATER',
    state: 'TX',
    sizeBand: 'MEDIUM',
    criticalityTier: 2,
    contacts: [
      { role: 'PRIMARY', name: 'Pat Primary', email: `pat${counter}@utility.example`, timeZone: 'America/Chicago' },
      { role: 'EXECUTIVE', name: 'Erin Exec', email: `erin${counter}@utility.example` },
    ],
    ...overrides,
  };
  const data = ok(
    await server.gql(`mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { ${ORGANISATION_FIELDS} } }`, { input }, token),
  );
  return data.createOrganisation;
}

export async function newFootprint(server: TestServer, organisationId: string, overrides: Record<string, unknown> = {}, token?: string) {
  const input = { organisationId, productCode: 'KES_ADVANCED', environment: 'IT', endpointCount: 100, updateChannel: 'SECURITY_CENTER', ...overrides };
  const data = ok(
    await server.gql(
      `mutation($input: AddFootprintInput!) { addFootprint(input: $input) { id version endpointCount endpointsRemaining environment product { code } } }`,
      { input },
      token,
    ),
  );
  return data.addFootprint;
}

export async function milestonesOf(server: TestServer, organisationId: string, token?: string) {
  const data = ok(
    await server.gql(
      `query($id: ID!) { organisation(id: $id) { milestones { id key track state version targetAt originalTargetAt verified } } }`,
      { id: organisationId },
      token,
    ),
  );
  return data.organisation.milestones as Array<{
    id: string;
    key: string;
    track: string;
    state: string;
    version: number;
    targetAt: string;
    originalTargetAt: string;
    verified: boolean;
  }>;
}

export async function newToken(server: TestServer, input: { role: string; sectors?: string[]; organisationId?: string; expiresAt?: string; label?: string }) {
  const data = ok(
    await server.gql(`mutation($input: CreateCredentialInput!) { createCredential(input: $input) { token credential { id } } }`, {
      input: { label: `e2e ${input.role}`, ...input, role: input.role.toUpperCase() },
    }),
  );
  return { token: data.createCredential.token as string, id: data.createCredential.credential.id as string };
}

export async function auditCount(server: TestServer): Promise<number> {
  return (await server.sql('SELECT count(*)::int AS n FROM audit_event'))[0].n;
}
