/** What a reminder says, stored with the delivery and rendered at send time in the recipient's zone. */
export interface ReminderPayload {
  kind: 'STAGE' | 'MILESTONE' | 'DIGEST';
  /** `product` and `consequence`: the programme's wording (absent from payloads planned before it existed). */
  programme: { name: string; cutoff: string; product?: string; consequence?: string };
  stage: string;
  level: number;
  organisation?: { id: string; name: string; externalKey: string; sector: string; status: string };
  lagging: string[];
  milestone?: { key: string; name: string; track: string; targetAt: string; state: string; dueKind: 'DUE_SOON' | 'OVERDUE' };
  organisations?: Array<{ id: string; name: string; status: string; level: number; lagging: string[] }>;
  organisationsTotal?: number;
}
