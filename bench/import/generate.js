#!/usr/bin/env node
// Writes two CSV files for the import benchmark: N organisations (with contacts) and N footprint rows.
// Deterministic; streamed to disk. Usage: node bench/import/generate.js 200000 /tmp/import-bench
const { createWriteStream, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const n = Number(process.argv[2] ?? 200000);
const dir = process.argv[3] ?? '/tmp/import-bench';
mkdirSync(dir, { recursive: true });
const SECTORS = [
  'CHEMICAL',
  'COMMERCIAL_FACILITIES',
  'COMMUNICATIONS',
  'CRITICAL_MANUFACTURING',
  'DAMS',
  'DEFENSE_INDUSTRIAL_BASE',
  'EMERGENCY_SERVICES',
  'ENERGY',
  'FINANCIAL_SERVICES',
  'FOOD_AGRICULTURE',
  'GOVERNMENT_FACILITIES',
  'HEALTHCARE_PUBLIC_HEALTH',
  'INFORMATION_TECHNOLOGY',
  'NUCLEAR',
  'TRANSPORTATION',
  'WATER',
];
const STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'PR',
  'VI',
  'GU',
  'AS',
  'MP',
];
const SIZES = ['SMALL', 'MEDIUM', 'LARGE', 'VERY_LARGE'];
const PRODUCTS = ['KES_SELECT', 'KES_ADVANCED', 'KSOS', 'KSC', 'KICS_NODES'];

async function write(file, header, row) {
  const out = createWriteStream(join(dir, file));
  out.write(header + '\r\n');
  for (let i = 0; i < n; i++) {
    if (!out.write(row(i) + '\r\n')) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

(async () => {
  await write(
    'organisations.csv',
    'external_key,name,primary_sector,secondary_sectors,state,size_band,criticality_tier,primary_contact_name,primary_contact_email,primary_contact_time_zone,executive_contact_name,executive_contact_email,executive_contact_time_zone',
    (i) =>
      `BENCH-${i},"Organisation ${i}, Inc.",${SECTORS[i % 16]},,${STATES[i % STATES.length]},${SIZES[i % 4]},${1 + (i % 4)},Primary ${i},p${i}@org${i}.example,America/New_York,Exec ${i},e${i}@org${i}.example,America/Chicago`,
  );
  await write('footprint.csv', 'organisation_external_key,deployment_key,product_code,environment,endpoint_count,endpoints_remaining,update_channel', (i) => {
    const p = PRODUCTS[i % 5];
    const c = 10 + (i % 900);
    return `BENCH-${i},main,${p},${p === 'KICS_NODES' ? 'OT' : 'IT'},${c},${Math.floor(c / 2)},SECURITY_CENTER`;
  });
  console.log(`wrote ${n} organisations and ${n} footprint rows to ${dir}`);
})();
