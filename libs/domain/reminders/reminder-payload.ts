export interface DueMilestone {
  key: string;
  name: string;
  track: string;
  targetAt: string;
  state: string;
  dueKind: 'DUE_SOON' | 'OVERDUE';
}

/** What a reminder says, stored with the delivery and rendered at send time in the recipient's zone. */
export interface ReminderPayload {
  /** INVITATION (a liaison invites a contact) and LINK (a contact asked for a fresh link) carry a link and no reminder. */
  kind: 'STAGE' | 'MILESTONE' | 'DIGEST' | 'INVITATION' | 'LINK';
  /** `product` and `consequence`: the programme's wording (absent from payloads planned before it existed). */
  programme: { name: string; cutoff: string; product?: string; consequence?: string };
  stage: string;
  level: number;
  organisation?: { id: string; name: string; externalKey: string; sector: string; status: string };
  lagging: string[];
  /** One milestone: payloads planned before messages listed them all (kept so stored rows still render). */
  milestone?: DueMilestone;
  /** Every milestone due or overdue at the stage, listed in its one message. */
  milestones?: DueMilestone[];
  organisations?: Array<{ id: string; name: string; status: string; level: number; lagging: string[] }>;
  organisationsTotal?: number;
  /** Until when the link written into the message at the send opens (absent on payloads planned before links). */
  linkExpiresAt?: string;
}

/** The programme as a message names it: its name, its cutoff instant and its wording. */
export function programmeOfPayload(programme: {
  name: string;
  updatesCutoff: Date | string;
  wording: { product: string; consequence: string };
}): ReminderPayload['programme'] {
  return {
    name: programme.name,
    cutoff: new Date(programme.updatesCutoff).toISOString(),
    product: programme.wording.product,
    consequence: programme.wording.consequence,
  };
}
