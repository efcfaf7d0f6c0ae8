/**
 * The OT track (issue 18, item 4). OT environments change only in maintenance windows, and only to a
 * replacement the equipment vendor has certified. An OT deployment (footprint row) carries its next
 * window and its replacement's certification; an OT milestone may target a deployment's window. Pure.
 */

/** What the status rule reads of a footprint row about its window (the entity's own field names). */
export interface OtDeploymentFacts {
  id?: string;
  environment?: string;
  maintenanceWindowStartsAt?: Date | null;
  maintenanceWindowEndsAt?: Date | null;
  maintenanceWindowName?: string | null;
  replacementVendorCertified?: boolean | null;
  replacementCertificationRef?: string | null;
}

export interface MaintenanceWindow {
  footprintId: string;
  startsAt: Date;
  endsAt: Date;
  name: string | null;
  /** The replacement for the deployment is certified by the equipment vendor. */
  certified: boolean;
  certificationRef: string | null;
}

/** The windows of an organisation's OT deployments, by footprint id (only those that have one). */
export function windowsOf(footprint: ReadonlyArray<OtDeploymentFacts>): Map<string, MaintenanceWindow> {
  const windows = new Map<string, MaintenanceWindow>();
  for (const f of footprint) {
    if (!f.id || f.environment !== 'OT' || !f.maintenanceWindowStartsAt || !f.maintenanceWindowEndsAt) continue;
    windows.set(f.id, {
      footprintId: f.id,
      startsAt: f.maintenanceWindowStartsAt,
      endsAt: f.maintenanceWindowEndsAt,
      name: f.maintenanceWindowName ?? null,
      certified: f.replacementVendorCertified === true,
      certificationRef: f.replacementCertificationRef ?? null,
    });
  }
  return windows;
}

/** "Unit 2 spring outage, 2024-10-12T06:00:00.000Z to 2024-10-13T18:00:00.000Z": how reasons name a window. */
export function describeWindow(w: Pick<MaintenanceWindow, 'startsAt' | 'endsAt' | 'name'>): string {
  const span = `${w.startsAt.toISOString()} to ${w.endsAt.toISOString()}`;
  return w.name ? `${w.name}, ${span}` : span;
}

export interface WindowProblem {
  field: string;
  message: string;
}

/**
 * What an OT deployment's window and certification facts must satisfy: both ends or neither, the end
 * after the start, a name only with a window, a reference with a certification, and none of it on a
 * deployment that is not OT.
 */
export function otDeploymentProblems(f: OtDeploymentFacts & { environment: string }, field = (name: string) => name): WindowProblem[] {
  const problems: WindowProblem[] = [];
  const start = f.maintenanceWindowStartsAt ?? null;
  const end = f.maintenanceWindowEndsAt ?? null;
  const any = start !== null || end !== null || !!f.maintenanceWindowName || f.replacementVendorCertified != null || !!f.replacementCertificationRef;
  if (f.environment !== 'OT') {
    if (any) problems.push({ field: field('environment'), message: 'maintenance windows and vendor certification are facts of an OT deployment only' });
    return problems;
  }
  if ((start === null) !== (end === null))
    problems.push({
      field: field(start === null ? 'maintenanceWindowStartsAt' : 'maintenanceWindowEndsAt'),
      message: 'a maintenance window needs both its start and its end',
    });
  else if (start !== null && end !== null && end.getTime() <= start.getTime())
    problems.push({ field: field('maintenanceWindowEndsAt'), message: 'must be after maintenanceWindowStartsAt' });
  if (f.maintenanceWindowName && start === null)
    problems.push({ field: field('maintenanceWindowName'), message: 'names a maintenance window: give its start and end' });
  if (f.replacementVendorCertified === true && !f.replacementCertificationRef?.trim()) {
    problems.push({
      field: field('replacementCertificationRef'),
      message: "is required when the replacement is certified by the equipment vendor (the vendor's certificate or notice)",
    });
  }
  return problems;
}
