import { isEmail } from 'class-validator';
import { isTimeZone } from '@libs/core/validation/validators';

export type ImportKind = 'organisations' | 'footprint';

export interface RowProblem {
  line: number;
  column: string;
  reason: string;
}

const CONTACTS = ['primary', 'executive', 'security'] as const;
const CONTACT_ROLE: Record<(typeof CONTACTS)[number], string> = { primary: 'PRIMARY', executive: 'EXECUTIVE', security: 'SECURITY_LEAD' };

/** The header of each kind of file. docs/import.md documents them with a sample. */
export const COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  organisations: {
    required: ['external_key', 'name', 'primary_sector', 'state', 'size_band', 'criticality_tier'],
    optional: ['secondary_sectors', ...CONTACTS.flatMap((c) => [`${c}_contact_name`, `${c}_contact_email`, `${c}_contact_time_zone`])],
  },
  footprint: {
    required: ['organisation_external_key', 'deployment_key', 'product_code', 'environment', 'endpoint_count'],
    optional: [
      'endpoints_remaining',
      'product_name',
      'vendor',
      'white_label_confidence',
      'update_channel',
      'licence_end',
      'replacement_product',
      'replacement_chosen_by_organisation',
    ],
  },
};

const SIZE_BANDS = ['SMALL', 'MEDIUM', 'LARGE', 'VERY_LARGE'];
const ENVIRONMENTS = ['IT', 'OT', 'CLOUD', 'MAIL_GATEWAY', 'CONSUMER_DEVICES', 'OTHER'];
const CHANNELS = ['DIRECT', 'SECURITY_CENTER', 'OFFLINE', 'UNKNOWN'];
const CONFIDENCE = ['CONFIRMED', 'SUSPECTED', 'UNKNOWN'];

export interface OrganisationRecord {
  line: number;
  externalKey: string;
  name: string;
  primarySector: string;
  secondarySectors: string[];
  state: string;
  sizeBand: string;
  criticalityTier: number;
  /** null: the file has no contact columns, so contacts are left as they are. */
  contacts: Array<{ role: string; name: string; email: string; timeZone: string }> | null;
}

export interface FootprintRecord {
  line: number;
  organisationExternalKey: string;
  deploymentKey: string;
  productCode: string;
  productName: string | null;
  vendor: string | null;
  whiteLabelConfidence: string | null;
  environment: string;
  endpointCount: number;
  endpointsRemaining: number;
  updateChannel: string;
  licenceEnd: string | null;
  replacementProduct: string | null;
  replacementChosenByOrganisation: boolean | null;
}

const upper = (v: string) =>
  v
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
const count = (v: string) => (/^\d{1,8}$/.test(v.replace(/[,_\s]/g, '')) ? Number(v.replace(/[,_\s]/g, '')) : NaN);

function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
}

/** Reference data the checks need, loaded once per import. */
export interface ReferenceSets {
  sectors: Set<string>;
  states: Set<string>;
  products: Map<string, 'CATALOGUE' | 'WHITE_LABEL' | 'OTHER'>;
}

/** Checks one organisations row: every problem, each with its column. Pure. */
export function parseOrganisationRow(
  line: number,
  v: Record<string, string>,
  ref: ReferenceSets,
  hasContactColumns: boolean,
): { record?: OrganisationRecord; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const bad = (column: string, reason: string) => problems.push({ line, column, reason });
  if (!v.external_key) bad('external_key', 'is required');
  else if (v.external_key.length > 100) bad('external_key', 'must be at most 100 characters');
  if (!v.name) bad('name', 'is required');
  else if (v.name.length > 300) bad('name', 'must be at most 300 characters');
  const primary = upper(v.primary_sector ?? '');
  if (!ref.sectors.has(primary)) bad('primary_sector', v.primary_sector ? `unknown sector "${v.primary_sector}"` : 'is required');
  const secondary = (v.secondary_sectors ?? '').split(/[;|]/).map(upper).filter(Boolean);
  for (const s of secondary) if (!ref.sectors.has(s)) bad('secondary_sectors', `unknown sector "${s}"`);
  const state = (v.state ?? '').trim().toUpperCase();
  if (!ref.states.has(state)) bad('state', v.state ? `unknown US state or territory "${v.state}"` : 'is required');
  const size = upper(v.size_band ?? '');
  if (!SIZE_BANDS.includes(size)) bad('size_band', `must be one of ${SIZE_BANDS.join(', ')}`);
  const tier = Number(v.criticality_tier);
  if (!/^[1-4]$/.test((v.criticality_tier ?? '').trim())) bad('criticality_tier', 'must be 1, 2, 3 or 4');
  let contacts: OrganisationRecord['contacts'] = null;
  if (hasContactColumns) {
    contacts = [];
    for (const c of CONTACTS) {
      const name = v[`${c}_contact_name`] ?? '';
      const email = (v[`${c}_contact_email`] ?? '').toLowerCase();
      const zone = v[`${c}_contact_time_zone`] || 'America/New_York';
      if (!name && !email) continue;
      if (!name) bad(`${c}_contact_name`, 'is required when an e-mail is given');
      if (!isEmail(email)) bad(`${c}_contact_email`, email ? `"${email}" is not an e-mail address` : 'is required when a name is given');
      if (!isTimeZone(zone)) bad(`${c}_contact_time_zone`, `"${zone}" is not an IANA time zone such as America/Chicago`);
      contacts.push({ role: CONTACT_ROLE[c], name, email, timeZone: zone });
    }
  }
  if (problems.length) return { problems };
  return {
    problems,
    record: {
      line,
      externalKey: v.external_key,
      name: v.name,
      primarySector: primary,
      secondarySectors: [...new Set(secondary)].filter((s) => s !== primary).sort(),
      state,
      sizeBand: size,
      criticalityTier: tier,
      contacts,
    },
  };
}

/** Checks one footprint row. Pure. */
export function parseFootprintRow(line: number, v: Record<string, string>, ref: ReferenceSets): { record?: FootprintRecord; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const bad = (column: string, reason: string) => problems.push({ line, column, reason });
  if (!v.organisation_external_key) bad('organisation_external_key', 'is required');
  if (!v.deployment_key) bad('deployment_key', 'is required: a stable key for this row within the organisation');
  else if (v.deployment_key.length > 100) bad('deployment_key', 'must be at most 100 characters');
  const product = upper(v.product_code ?? '');
  const kind = ref.products.get(product);
  if (!kind) bad('product_code', v.product_code ? `unknown product "${v.product_code}"` : 'is required');
  if (kind && kind !== 'CATALOGUE' && !v.product_name) bad('product_name', `is required for ${product}`);
  if (kind === 'WHITE_LABEL' && !v.vendor) bad('vendor', 'is required for a white-label engine');
  const confidence = v.white_label_confidence ? upper(v.white_label_confidence) : kind === 'WHITE_LABEL' ? 'UNKNOWN' : null;
  if (confidence && !CONFIDENCE.includes(confidence)) bad('white_label_confidence', `must be one of ${CONFIDENCE.join(', ')}`);
  const environment = upper(v.environment ?? '').replace(/^OT_?\/?_?ICS$/, 'OT');
  if (!ENVIRONMENTS.includes(environment)) bad('environment', `must be one of ${ENVIRONMENTS.join(', ')}`);
  const total = count(v.endpoint_count ?? '');
  if (Number.isNaN(total)) bad('endpoint_count', /^-/.test(v.endpoint_count ?? '') ? 'must not be negative' : 'must be a whole number');
  const remaining = v.endpoints_remaining ? count(v.endpoints_remaining) : total;
  if (Number.isNaN(remaining) && v.endpoints_remaining)
    bad('endpoints_remaining', /^-/.test(v.endpoints_remaining) ? 'must not be negative' : 'must be a whole number');
  if (!Number.isNaN(total) && !Number.isNaN(remaining) && remaining > total)
    bad('endpoints_remaining', `must not exceed endpoint_count (${remaining} > ${total})`);
  const channel = v.update_channel ? upper(v.update_channel) : 'UNKNOWN';
  if (!CHANNELS.includes(channel)) bad('update_channel', `must be one of ${CHANNELS.join(', ')}`);
  if (v.licence_end && !isCalendarDate(v.licence_end)) bad('licence_end', `"${v.licence_end}" is not a date YYYY-MM-DD`);
  let chosen: boolean | null = null;
  if (v.replacement_chosen_by_organisation) {
    const b = v.replacement_chosen_by_organisation.toLowerCase();
    if (['true', 'yes', 'y', '1'].includes(b)) chosen = true;
    else if (['false', 'no', 'n', '0'].includes(b)) chosen = false;
    else bad('replacement_chosen_by_organisation', 'must be true or false');
  }
  if (problems.length) return { problems };
  return {
    problems,
    record: {
      line,
      organisationExternalKey: v.organisation_external_key,
      deploymentKey: v.deployment_key,
      productCode: product,
      productName: v.product_name || null,
      vendor: v.vendor || null,
      whiteLabelConfidence: confidence,
      environment,
      endpointCount: total,
      endpointsRemaining: remaining,
      updateChannel: channel,
      licenceEnd: v.licence_end || null,
      replacementProduct: v.replacement_product || null,
      replacementChosenByOrganisation: chosen,
    },
  };
}
