// Every batch issuance is a recorded run, so one killed mid-way can be resumed:
//   - runs: the CA, profile, the batch's operator input and confirmation, the total the
//     caller announced, the output folder (CLI --out) and the run's state. `owner` names the
//     process running it ("pid:token"); a 'running' run whose owner is gone was interrupted.
//   - run_items: one per input request, in input order: the request as given (so a resume
//     needs no file), the SHA-256 of its DER, its outcome and, once signed, the certificate
//     and the file written for it. An item turns 'issued' in the same transaction as its
//     certificate row, so the two never disagree after a crash.
//   - the index behind the re-submission check (same request, same CA and profile).
import type { Migration } from './index'

export const m008IssuanceRuns: Migration = {
  version: 8,
  name: 'issuance-runs',
  up(db) {
    db.exec(`
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        authority_id TEXT NOT NULL,
        profile_id TEXT,
        total INTEGER NOT NULL,
        confirm_warnings INTEGER NOT NULL DEFAULT 0,
        input TEXT,
        out_dir TEXT,
        state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'cancelled', 'stopped')),
        owner TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE run_items (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        label TEXT,
        csr_pem TEXT NOT NULL,
        csr_sha256 TEXT NOT NULL,
        input TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'issued', 'refused', 'not-attempted')),
        certificate_id INTEGER REFERENCES certificates(id) ON DELETE SET NULL,
        serial TEXT,
        error_code TEXT,
        error_message TEXT,
        output_path TEXT,
        PRIMARY KEY (run_id, idx)
      ) WITHOUT ROWID;
      CREATE INDEX run_items_csr ON run_items(csr_sha256) WHERE outcome = 'issued';
      CREATE INDEX runs_created ON runs(created_at);
    `)
  }
}
