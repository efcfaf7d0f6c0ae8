export interface DueMilestone { key: string; name: string; track: string; targetAt: string; state: string; dueKind: 'DUE_SOON' | 'OVERDUE' }

/** What a reminder says, stored with the delivery and rendered at send time in the recipient's zone. */
export interface ReminderPayload {
  kind: 'STAGE' | 'MILESTONE' | 'DIGEST';
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
}
