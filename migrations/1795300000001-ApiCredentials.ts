import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiCredentials1795300000001 implements MigrationInterface {
  name = 'ApiCredentials1795300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_credential (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
        role text NOT NULL CHECK (role IN ('admin', 'liaison', 'reporter', 'viewer')),
        sectors text[] NOT NULL DEFAULT '{}',
        organisation_id uuid REFERENCES organisation (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        token_prefix text NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        CONSTRAINT api_credential_scope CHECK (
          (role = 'liaison' AND cardinality(sectors) > 0 AND organisation_id IS NULL)
          OR (role = 'reporter' AND organisation_id IS NOT NULL AND cardinality(sectors) = 0)
          OR (role IN ('admin', 'viewer') AND organisation_id IS NULL)
        )
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_credential`);
  }
}
