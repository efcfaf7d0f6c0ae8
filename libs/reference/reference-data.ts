import { DEFAULT_REMINDER_LADDER, type MilestonePlanStep, type ProgrammeRules, type ProgrammeWording } from '@libs/domain/programme';

/**
 * Reference data from shared/domain.md. Seeded idempotently at start-up; after that it is data:
 * a future change of sectors, agencies or dates is an edit of rows, not of code.
 */

/** PPD-21's sixteen sectors, kept by NSM-22 (2024-04-30). */
export const SECTORS_VALID_FROM = '2013-02-12T00:00:00Z';
export const SECTORS: ReadonlyArray<{ code: string; name: string; srma: string }> = [
  { code: 'CHEMICAL', name: 'Chemical', srma: 'CISA' },
  { code: 'COMMERCIAL_FACILITIES', name: 'Commercial Facilities', srma: 'CISA' },
  { code: 'COMMUNICATIONS', name: 'Communications', srma: 'CISA' },
  { code: 'CRITICAL_MANUFACTURING', name: 'Critical Manufacturing', srma: 'CISA' },
  { code: 'DAMS', name: 'Dams', srma: 'CISA' },
  { code: 'DEFENSE_INDUSTRIAL_BASE', name: 'Defense Industrial Base', srma: 'DoD' },
  { code: 'EMERGENCY_SERVICES', name: 'Emergency Services', srma: 'CISA' },
  { code: 'ENERGY', name: 'Energy', srma: 'DOE' },
  { code: 'FINANCIAL_SERVICES', name: 'Financial Services', srma: 'Treasury' },
  { code: 'FOOD_AGRICULTURE', name: 'Food and Agriculture', srma: 'USDA and HHS' },
  { code: 'GOVERNMENT_FACILITIES', name: 'Government Facilities', srma: 'DHS (FPS) and GSA' },
  { code: 'HEALTHCARE_PUBLIC_HEALTH', name: 'Healthcare and Public Health', srma: 'HHS' },
  { code: 'INFORMATION_TECHNOLOGY', name: 'Information Technology', srma: 'CISA' },
  { code: 'NUCLEAR', name: 'Nuclear Reactors, Materials, and Waste', srma: 'CISA' },
  { code: 'TRANSPORTATION', name: 'Transportation Systems', srma: 'DHS (TSA, USCG) and DOT' },
  { code: 'WATER', name: 'Water and Wastewater Systems', srma: 'EPA' },
];

/** CISA's ten regions are the ten standard federal (FEMA) regions. */
export const CISA_REGIONS: ReadonlyArray<{ region: number; office: string; states: string[] }> = [
  { region: 1, office: 'Boston', states: ['CT', 'ME', 'MA', 'NH', 'RI', 'VT'] },
  { region: 2, office: 'New York', states: ['NJ', 'NY', 'PR', 'VI'] },
  { region: 3, office: 'Philadelphia', states: ['DE', 'DC', 'MD', 'PA', 'VA', 'WV'] },
  { region: 4, office: 'Atlanta', states: ['AL', 'FL', 'GA', 'KY', 'MS', 'NC', 'SC', 'TN'] },
  { region: 5, office: 'Chicago', states: ['IL', 'IN', 'MI', 'MN', 'OH', 'WI'] },
  { region: 6, office: 'Dallas', states: ['AR', 'LA', 'NM', 'OK', 'TX'] },
  { region: 7, office: 'Kansas City', states: ['IA', 'KS', 'MO', 'NE'] },
  { region: 8, office: 'Denver', states: ['CO', 'MT', 'ND', 'SD', 'UT', 'WY'] },
  { region: 9, office: 'Oakland', states: ['AZ', 'CA', 'HI', 'NV', 'GU', 'AS', 'MP'] },
  { region: 10, office: 'Seattle', states: ['AK', 'ID', 'OR', 'WA'] },
];

export const STATE_NAMES: Readonly<Record<string, string>> = {
  AL: 'Alabama',
  AK: 'Alaska',
  AZ: 'Arizona',
  AR: 'Arkansas',
  CA: 'California',
  CO: 'Colorado',
  CT: 'Connecticut',
  DE: 'Delaware',
  DC: 'District of Columbia',
  FL: 'Florida',
  GA: 'Georgia',
  HI: 'Hawaii',
  ID: 'Idaho',
  IL: 'Illinois',
  IN: 'Indiana',
  IA: 'Iowa',
  KS: 'Kansas',
  KY: 'Kentucky',
  LA: 'Louisiana',
  ME: 'Maine',
  MD: 'Maryland',
  MA: 'Massachusetts',
  MI: 'Michigan',
  MN: 'Minnesota',
  MS: 'Mississippi',
  MO: 'Missouri',
  MT: 'Montana',
  NE: 'Nebraska',
  NV: 'Nevada',
  NH: 'New Hampshire',
  NJ: 'New Jersey',
  NM: 'New Mexico',
  NY: 'New York',
  NC: 'North Carolina',
  ND: 'North Dakota',
  OH: 'Ohio',
  OK: 'Oklahoma',
  OR: 'Oregon',
  PA: 'Pennsylvania',
  RI: 'Rhode Island',
  SC: 'South Carolina',
  SD: 'South Dakota',
  TN: 'Tennessee',
  TX: 'Texas',
  UT: 'Utah',
  VT: 'Vermont',
  VA: 'Virginia',
  WA: 'Washington',
  WV: 'West Virginia',
  WI: 'Wisconsin',
  WY: 'Wyoming',
  PR: 'Puerto Rico',
  VI: 'U.S. Virgin Islands',
  GU: 'Guam',
  AS: 'American Samoa',
  MP: 'Northern Mariana Islands',
};

/** Families, not every SKU: the determination's appendix lists examples, not an exhaustive set. */
export const PRODUCTS: ReadonlyArray<{ code: string; name: string; family: string; kind: 'CATALOGUE' | 'WHITE_LABEL' | 'OTHER' }> = [
  { code: 'KES_SELECT', name: 'Kaspersky Endpoint Security for Business Select', family: 'Endpoint', kind: 'CATALOGUE' },
  { code: 'KES_ADVANCED', name: 'Kaspersky Endpoint Security for Business Advanced', family: 'Endpoint', kind: 'CATALOGUE' },
  { code: 'KSC', name: 'Kaspersky Security Center', family: 'Management', kind: 'CATALOGUE' },
  { code: 'KSOS', name: 'Kaspersky Small Office Security', family: 'Endpoint', kind: 'CATALOGUE' },
  { code: 'KAV', name: 'Kaspersky Anti-Virus', family: 'Consumer', kind: 'CATALOGUE' },
  { code: 'KIS', name: 'Kaspersky Internet Security', family: 'Consumer', kind: 'CATALOGUE' },
  { code: 'KTS', name: 'Kaspersky Total Security', family: 'Consumer', kind: 'CATALOGUE' },
  { code: 'K_STANDARD', name: 'Kaspersky Standard', family: 'Consumer', kind: 'CATALOGUE' },
  { code: 'K_PLUS', name: 'Kaspersky Plus', family: 'Consumer', kind: 'CATALOGUE' },
  { code: 'K_PREMIUM', name: 'Kaspersky Premium', family: 'Consumer', kind: 'CATALOGUE' },
  { code: 'KICS_NODES', name: 'Kaspersky Industrial CyberSecurity for Nodes', family: 'Industrial', kind: 'CATALOGUE' },
  { code: 'KICS_NETWORKS', name: 'Kaspersky Industrial CyberSecurity for Networks', family: 'Industrial', kind: 'CATALOGUE' },
  { code: 'KESS', name: 'Kaspersky Embedded Systems Security (ATMs, point of sale)', family: 'Embedded', kind: 'CATALOGUE' },
  { code: 'KSMS', name: 'Kaspersky Security for Mail Server / Microsoft Exchange', family: 'Mail', kind: 'CATALOGUE' },
  { code: 'KHCS', name: 'Kaspersky Hybrid Cloud Security', family: 'Cloud', kind: 'CATALOGUE' },
  { code: 'KATA_EDR', name: 'Kaspersky Anti Targeted Attack / EDR', family: 'Detection', kind: 'CATALOGUE' },
  { code: 'KSV', name: 'Kaspersky Security for Virtualization', family: 'Virtualization', kind: 'CATALOGUE' },
  { code: 'WHITE_LABEL', name: 'Kaspersky engine in a third-party product', family: 'White-label', kind: 'WHITE_LABEL' },
  { code: 'OTHER', name: 'Other Kaspersky product', family: 'Other', kind: 'OTHER' },
];

const KASPERSKY_2024_MILESTONE_PLAN: MilestonePlanStep[] = [
  { key: 'INVENTORY_COMPLETE', name: 'Inventory complete', itOffsetDays: -70, otOffsetDays: -70 },
  { key: 'REPLACEMENT_SELECTED', name: 'Replacement selected', itOffsetDays: -56, otOffsetDays: -63 },
  { key: 'REPLACEMENT_PROCURED', name: 'Replacement procured', itOffsetDays: -42, otOffsetDays: -49 },
  { key: 'PILOT_DEPLOYED', name: 'Pilot deployed', itOffsetDays: -28, otOffsetDays: -35 },
  { key: 'ROLLOUT', name: 'Rollout', itOffsetDays: -14, otOffsetDays: -14 },
  { key: 'KASPERSKY_REMOVED', name: 'Kaspersky removed from every asset', itOffsetDays: 0, otOffsetDays: 0 },
  { key: 'REMOVAL_VERIFIED', name: 'Removal verified', itOffsetDays: 0, otOffsetDays: 0 },
];

const KASPERSKY_2024_RULES: ProgrammeRules = {
  inventoryMilestoneKey: 'INVENTORY_COMPLETE',
  removalVerifiedMilestoneKey: 'REMOVAL_VERIFIED',
  dueSoonDays: 14,
  cutoffNearDays: 30,
  laggingShare: 0.5,
  escalation: { executivesDays: 7, liaisonDays: 1, agencyDaysAfter: 14 },
  // the FCC's rip-and-replace shape: extensions of six months each, at most two, a status report every 90 days
  extensions: { maxGrantDays: 183, maxGrantsPerMilestone: 2, statusReportEveryDays: 90 },
};

const KASPERSKY_2024_WORDING: ProgrammeWording = {
  product: 'Kaspersky',
  consequence: 'After it Kaspersky may no longer update its software in the United States: every copy left running stops receiving signatures and fixes.',
};

/** BIS Final Determination, ICTS-2021-002 (89 FR 52434). Instants, not calendar dates: 00:00 EDT is 04:00Z. */
export const KASPERSKY_2024_PROGRAMME = {
  key: 'kaspersky-2024',
  name: 'Kaspersky 2024',
  regulation: 'BIS Final Determination, Case No. ICTS-2021-002, 89 FR 52434',
  announced: '2024-06-20',
  published: '2024-06-24',
  newBusinessCutoff: '2024-07-20T04:00:00Z',
  updatesCutoff: '2024-09-29T04:00:00Z',
  milestonePlan: KASPERSKY_2024_MILESTONE_PLAN,
  reminderLadder: DEFAULT_REMINDER_LADDER,
  staleReportDays: 30,
  rules: KASPERSKY_2024_RULES,
  wording: KASPERSKY_2024_WORDING,
};
