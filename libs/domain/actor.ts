export type Role = 'admin' | 'liaison' | 'reporter' | 'viewer' | 'system';

/** Who is acting: the credential behind a request, or the system itself (jobs, seeding, CLI). */
export interface Actor {
  /** Stable id of the credential (or "system:<what>"), written into every audit event. */
  id: string;
  role: Role;
  label: string;
  /** liaison: the sectors in scope. */
  sectors?: string[];
  /** reporter: the one organisation in scope. */
  organisationId?: string;
  /**
   * A reporter that came through a link in a message (libs/links): the contact it was made for and the
   * one programme it is about. Its id is `link:<contact id>`, so the audit names the contact and the door.
   */
  link?: { contactId: string; programmeId: string };
}

export const systemActor = (what: string): Actor => ({ id: `system:${what}`, role: 'system', label: what });
