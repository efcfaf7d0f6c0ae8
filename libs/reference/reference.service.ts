import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@libs/core/clock/clock';

export interface Sector {
  code: string;
  name: string;
  srma: string;
  validFrom: Date;
  validTo: Date | null;
}
export interface UsState {
  code: string;
  name: string;
  region: number;
  office: string;
}
export interface Product {
  code: string;
  name: string;
  family: string;
  kind: 'CATALOGUE' | 'WHITE_LABEL' | 'OTHER';
  programmeId: string | null;
}

const REFRESH_MS = 60_000;

const inForce = (s: Sector, at: Date) => new Date(s.validFrom) <= at && (!s.validTo || new Date(s.validTo) > at);

/**
 * Sectors, states, regions and the product catalogue: small, read on every write for validation, so
 * held in memory and reloaded at most once a minute (an admin's edit shows within a minute).
 */
@Injectable()
export class ReferenceService implements OnModuleInit {
  private loadedAt = 0;
  private sectors: Sector[] = [];
  private states = new Map<string, UsState>();
  private products = new Map<string, Product>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async onModuleInit() {
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const [sectors, states, products] = await Promise.all([
      this.dataSource.query(`SELECT code, name, srma, valid_from AS "validFrom", valid_to AS "validTo" FROM sector ORDER BY name, valid_from`),
      this.dataSource.query(`SELECT s.code, s.name, s.region, r.office FROM us_state s JOIN cisa_region r USING (region) ORDER BY s.code`),
      this.dataSource.query(`SELECT code, name, family, kind, programme_id AS "programmeId" FROM product ORDER BY name`),
    ]);
    this.sectors = sectors;
    this.states = new Map(states.map((s: UsState) => [s.code, s]));
    this.products = new Map(products.map((p: Product) => [p.code, p]));
    this.loadedAt = Date.now();
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < REFRESH_MS) return;
    this.loading ??= this.refresh().finally(() => (this.loading = null));
    await this.loading;
  }

  /** Sectors valid at the clock's instant (or at `at`). */
  async currentSectors(at: Date = this.clock.now()): Promise<Sector[]> {
    await this.fresh();
    return this.sectors.filter((s) => inForce(s, at));
  }

  /** A sector code that may be chosen at the clock's instant. */
  async sector(code: string): Promise<Sector | undefined> {
    return (await this.currentSectors()).find((s) => s.code === code);
  }

  /**
   * The version of a sector (its name, its SRMA) in force at `at`, by default the clock's instant; for
   * an instant outside every version (a sector retired, or asked about before it began) the version
   * nearest to it, so an organisation filed under the sector still shows one.
   */
  async sectorAt(code: string, at: Date = this.clock.now()): Promise<Sector | undefined> {
    await this.fresh();
    const versions = this.sectors.filter((s) => s.code === code).sort((a, b) => new Date(a.validFrom).getTime() - new Date(b.validFrom).getTime());
    return versions.find((s) => inForce(s, at)) ?? versions.filter((s) => new Date(s.validFrom) <= at).at(-1) ?? versions[0];
  }

  async allStates(): Promise<UsState[]> {
    await this.fresh();
    return [...this.states.values()];
  }

  async state(code: string): Promise<UsState | undefined> {
    await this.fresh();
    return this.states.get(code);
  }

  /** The catalogue of a programme (its own products and those offered in every programme), or all of it. */
  async allProducts(programmeId?: string): Promise<Product[]> {
    await this.fresh();
    return [...this.products.values()].filter((p) => !programmeId || p.programmeId === null || p.programmeId === programmeId);
  }

  /** A product a footprint row of the programme may name: undefined outside its catalogue. */
  async productIn(code: string, programmeId: string): Promise<Product | undefined> {
    const product = await this.product(code);
    return product && (product.programmeId === null || product.programmeId === programmeId) ? product : undefined;
  }

  /** Reference data changed in this process (a programme and its catalogue created): read it again on next use. */
  invalidate(): void {
    this.loadedAt = 0;
  }

  async product(code: string): Promise<Product | undefined> {
    await this.fresh();
    return this.products.get(code);
  }
}
