/** A footprint row as the rules see it, whatever the change (GraphQL, self-report, CSV) that produced it. */
export interface FootprintShape {
  productCode: string;
  productName: string | null;
  vendor: string | null;
  endpointCount: number;
  endpointsRemaining: number;
}

export interface FootprintProblem {
  field: string;
  message: string;
}

/** What the rules need of the product catalogue: the product's kind, or undefined when the code is unknown. */
export type ProductKind = 'CATALOGUE' | 'WHITE_LABEL' | 'OTHER';

/**
 * Counts are never negative and what remains never exceeds the total; a product outside the catalogue
 * names itself; a white-label engine names its vendor. `field` prefixes each problem's field name.
 */
export function footprintProblems(shape: FootprintShape, kind: ProductKind | undefined, field = (f: string) => f): FootprintProblem[] {
  const problems: FootprintProblem[] = [];
  if (!kind) problems.push({ field: field('productCode'), message: `unknown product ${shape.productCode}; see the products query` });
  if (kind && kind !== 'CATALOGUE' && !shape.productName) problems.push({ field: field('productName'), message: `is required for ${shape.productCode}` });
  if (kind === 'WHITE_LABEL' && !shape.vendor) problems.push({ field: field('vendor'), message: 'is required for a white-label engine' });
  if (shape.endpointCount < 0) problems.push({ field: field('endpointCount'), message: 'must not be negative' });
  if (shape.endpointsRemaining < 0) problems.push({ field: field('endpointsRemaining'), message: 'must not be negative' });
  if (shape.endpointsRemaining > shape.endpointCount) {
    problems.push({ field: field('endpointsRemaining'), message: `must not exceed endpointCount (${shape.endpointsRemaining} > ${shape.endpointCount})` });
  }
  return problems;
}
