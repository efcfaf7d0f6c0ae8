import { otDeploymentProblems } from './maintenance-window';

const at = (iso: string) => new Date(iso);

describe('otDeploymentProblems', () => {
  it.each([
    [
      'an OT deployment with a whole window and a certified replacement',
      {
        environment: 'OT',
        maintenanceWindowStartsAt: at('2024-10-12T06:00:00Z'),
        maintenanceWindowEndsAt: at('2024-10-13T18:00:00Z'),
        replacementVendorCertified: true,
        replacementCertificationRef: 'CERT-1',
      },
      [],
    ],
    ['nothing at all, on IT', { environment: 'IT' }, []],
    [
      'a window on IT',
      { environment: 'IT', maintenanceWindowStartsAt: at('2024-10-12T06:00:00Z'), maintenanceWindowEndsAt: at('2024-10-13T18:00:00Z') },
      ['environment'],
    ],
    ['a certification on cloud', { environment: 'CLOUD', replacementVendorCertified: false }, ['environment']],
    ['a start without an end', { environment: 'OT', maintenanceWindowStartsAt: at('2024-10-12T06:00:00Z') }, ['maintenanceWindowEndsAt']],
    [
      'an end before the start',
      { environment: 'OT', maintenanceWindowStartsAt: at('2024-10-12T06:00:00Z'), maintenanceWindowEndsAt: at('2024-10-12T06:00:00Z') },
      ['maintenanceWindowEndsAt'],
    ],
    ['a name without a window', { environment: 'OT', maintenanceWindowName: 'Outage' }, ['maintenanceWindowName']],
    [
      'certified without a reference',
      { environment: 'OT', replacementVendorCertified: true, replacementCertificationRef: '  ' },
      ['replacementCertificationRef'],
    ],
  ])('%s', (_name, facts, fields) => {
    expect(otDeploymentProblems(facts).map((p) => p.field)).toEqual(fields);
  });
});
